package dev.wok.cli.service;

import dev.wok.cli.CliException;
import dev.wok.cli.ExitCodes;
import dev.wok.protocol.paths.CurrentUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** The launchd agent: {@code ~/Library/LaunchAgents/dev.wok.wokd.plist}, loaded with {@code launchctl bootstrap}. */
final class LaunchdInstaller extends ServiceInstaller {
    LaunchdInstaller(Setup setup) {
        super(setup);
    }

    private Path plist() throws CliException {
        return home().resolve("Library").resolve("LaunchAgents").resolve(ServiceUnits.LAUNCHD_PLIST);
    }

    private String domain() {
        return "gui/" + CurrentUser.uid();
    }

    @Override
    public void install(boolean now) throws CliException {
        Path plist = plist();
        String path = setup.env().getOrDefault("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        write(plist, ServiceUnits.launchdPlist(setup.wokd(), setup.paths().stateDir(), path, pathEnvironment()));
        if (!now) {
            say("it starts at your next login; to start it now: launchctl bootstrap " + domain() + " " + plist
                    + "   (or: wokd install-service --now)");
            return;
        }
        Path launchctl = launchctl();
        // A plist loaded before must be unloaded first, or bootstrap refuses it; not loaded is fine.
        run(launchctl, List.of("bootout", domain() + "/" + ServiceUnits.LAUNCHD_LABEL));
        setup.runningDaemon().stopIfRunning(setup.out());
        runStep(launchctl, "launchctl", List.of("bootstrap", domain(), plist.toString()));
    }

    @Override
    public void uninstall() throws CliException {
        Path plist = plist();
        if (!Files.exists(plist)) {
            say("no " + plist + ": nothing to remove");
            return;
        }
        Path launchctl = launchctl();
        HostCommands.Result bootout = run(launchctl, List.of("bootout", domain() + "/" + ServiceUnits.LAUNCHD_LABEL));
        say(bootout.ok() ? "ran launchctl bootout " + domain() + "/" + ServiceUnits.LAUNCHD_LABEL : "it was not loaded");
        remove(plist);
    }

    @Override
    public Inspection inspect() throws CliException {
        Path plist = plist();
        if (!Files.exists(plist)) {
            return Inspection.notInstalled(plist.getParent().toString());
        }
        Optional<Inspection> missing = missingProgram(plist, firstProgramArgument(plist));
        if (missing.isPresent()) {
            return missing.get();
        }
        HostCommands.Result loaded = run(launchctl(), List.of("print", domain() + "/" + ServiceUnits.LAUNCHD_LABEL));
        if (!loaded.ok()) {
            return Inspection.broken(plist + " is installed but not loaded", "launchctl bootstrap " + domain() + " " + plist);
        }
        return Inspection.fine(ServiceUnits.LAUNCHD_LABEL + " loaded (" + plist + ")");
    }

    /** The launcher the plist runs: the first string of its ProgramArguments. */
    private static Optional<Path> firstProgramArgument(Path plist) throws CliException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            // The DOCTYPE names Apple's DTD on the web: never fetch it.
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            NodeList keys = factory.newDocumentBuilder().parse(plist.toFile()).getElementsByTagName("key");
            for (int i = 0; i < keys.getLength(); i++) {
                if (!"ProgramArguments".equals(keys.item(i).getTextContent())) {
                    continue;
                }
                Node array = keys.item(i).getNextSibling();
                while (array != null && array.getNodeType() != Node.ELEMENT_NODE) {
                    array = array.getNextSibling();
                }
                if (array == null) {
                    return Optional.empty();
                }
                NodeList strings = ((Element) array).getElementsByTagName("string");
                return strings.getLength() == 0 ? Optional.empty() : Optional.of(Path.of(strings.item(0).getTextContent().strip()));
            }
            return Optional.empty();
        } catch (IOException | ParserConfigurationException | SAXException e) {
            throw new CliException(ExitCodes.FAILURE, "cannot read " + plist + ": " + e.getMessage()
                    + "; reinstall it: wokd install-service --now", e);
        }
    }

    private Path launchctl() throws CliException {
        return commands.find("launchctl").orElseThrow(() -> new CliException(ExitCodes.FAILURE,
                "launchctl is not on PATH; add /bin:/usr/bin to PATH"));
    }
}
