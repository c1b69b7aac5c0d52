package dev.wok.cli.doctor;

import dev.wok.cli.CliException;
import dev.wok.cli.service.ServiceInstaller;
import dev.wok.protocol.paths.Platform;
import dev.wok.protocol.paths.WokPaths;
import java.util.Map;

/** The service unit, when one is installed: the program it runs exists, and the manager has it running or ready. */
final class ServiceCheck {
    private static final String GROUP = "service";
    private static final String NAME = "service unit";

    private ServiceCheck() {}

    static Check run(Platform platform, Map<String, String> env, WokPaths paths) {
        try {
            ServiceInstaller installer = ServiceInstaller.forInspection(platform, env, paths);
            if (installer == null) {
                return Check.skip(GROUP, NAME, "wok knows no service manager on this platform");
            }
            ServiceInstaller.Inspection inspection = installer.inspect();
            return inspection.sound() ? Check.pass(GROUP, NAME, inspection.summary())
                    : Check.fail(GROUP, NAME, inspection.summary(), inspection.fix().orElseThrow());
        } catch (CliException e) {
            return Check.fail(GROUP, NAME, e.getMessage(), "fix the above, then run wok doctor again");
        }
    }
}
