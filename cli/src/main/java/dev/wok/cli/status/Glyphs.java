package dev.wok.cli.status;

/** How state symbols are drawn: ● ◐ ○ on a terminal that can show them, ASCII stand-ins on one that cannot, none in a pipe. */
public enum Glyphs { NONE, ASCII, UNICODE }
