package dev.emostream.trainer.cli;

import java.nio.file.NoSuchFileException;

/** Turns an exception into the one line a CLI user needs. */
final class CliErrors {
    private CliErrors() {
    }

    static String oneLine(Throwable e) {
        if (e instanceof NoSuchFileException n) {
            return "no such file: " + n.getFile();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
