package dev.emostream.model.csv;

/** A malformed FER2013 CSV line; carries the line number so a user can find it. */
public class Fer2013FormatException extends RuntimeException {
    private final String source;
    private final long line;

    public Fer2013FormatException(String source, long line, String problem) {
        super(source + " line " + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    public long line() {
        return line;
    }
}
