package dev.emostream.app.replay;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Counts a CSV's data lines (not blank, not the header) for a progress bar's total; reads gzip or plain. */
public final class CsvRows {

    private CsvRows() {
    }

    public static long count(Path csv) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(csv), 1 << 16);
             BufferedReader in = new BufferedReader(new InputStreamReader(maybeGunzip(raw), StandardCharsets.US_ASCII),
                     1 << 16)) {
            long n = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    n++;
                }
            }
            return Math.max(0, n - 1);
        }
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
