package io.clipstream.cli;

import io.clipstream.schemas.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** A failed command ends with one clear line on stderr (the stack trace goes to the debug log) and exit code 1. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        LOG.debug("command failed", e);
        cmd.getErr().println("error: " + describe(e));
        return 1;
    }

    static String describe(Throwable e) {
        return Redaction.text(plain(e));
    }

    private static String plain(Throwable e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + message;
        }
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
