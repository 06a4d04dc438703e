package dev.emostream.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.emostream.app.replay.FrameFormat;
import dev.emostream.model.csv.Fer2013Row;
import dev.emostream.model.image.FaceBox;
import dev.emostream.model.image.FaceDecoder;
import dev.emostream.model.image.ImageEncoding;
import dev.emostream.model.image.ImageLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Figure "image formats": what each way a camera can send a face costs. First the decoder alone (one thread, a timed
 * loop over the encoded faces: microseconds a frame and bytes a frame), then the app end to end at full speed for each
 * format in turn, in one process, ending with {@code formats: raw=.. png=.. jpeg=.. jpeg_frame_box=..} (frames/s).
 */
@Command(name = "formats", mixinStandardHelpOptions = true,
        description = "Image formats: decode cost per frame, then end-to-end frames/s at full speed for raw, PNG 48x48, "
                + "JPEG 48x48 and a 640x480 JPEG with a face box, in one process.")
final class FormatsCommand implements Callable<Integer> {

    /** The four figures, in the order of the last line. */
    static final Map<String, FrameFormat> FORMATS = formats();

    @Mixin
    ModelChoice model = new ModelChoice();

    @Option(names = "--data", description = "FER2013 CSV (default: public_test.csv.gz of the shared data).")
    Path data;

    @Option(names = "--frames", defaultValue = "10000",
            description = "Frames per format and round at full speed (default: ${DEFAULT-VALUE}).")
    int frames;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Rounds of the four formats in turn; each figure is the median of its rounds "
                    + "(default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup-frames", defaultValue = "3000",
            description = "Frames per format in each warm-up round, sent at full speed and awaited (default: ${DEFAULT-VALUE}).")
    int warmupFrames;

    @Option(names = "--warmup-rounds", defaultValue = "4",
            description = "Warm-up rounds of the four formats in turn: the JIT compiles each decoder's path too "
                    + "(default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--distinct", defaultValue = "1024",
            description = "Distinct faces encoded per format; frames repeat them (default: ${DEFAULT-VALUE}).")
    int distinct;

    @Option(names = "--decode-seconds", defaultValue = "3",
            description = "Length of each format's timed decode loop (default: ${DEFAULT-VALUE}).")
    double decodeSeconds;

    @Override
    public Integer call() throws Exception {
        Path file = model.resolve();
        List<Fer2013Row> faces = Faces.load(data != null ? data : Faces.defaultCsv(), 3589);
        Map<String, FrameFormat.CameraImage[]> pools = new LinkedHashMap<>();
        FORMATS.forEach((name, format) -> pools.put(name, EndToEndRun.images(format, faces, distinct)));

        List<Map<String, Object>> decoding = new ArrayList<>();
        for (var pool : pools.entrySet()) {
            decoding.add(decodeCost(pool.getKey(), pool.getValue()));
        }
        Map<String, List<Double>> fps = new LinkedHashMap<>();
        EndToEndOptions options = EndToEndOptions.of(1, 1, 100, "formats");
        try (MemorySampler memory = new MemorySampler(1000);
             EndToEndRun run = new EndToEndRun(options, file, faces, memory).start()) {
            for (int round = 1; round <= warmupRounds; round++) {
                for (var pool : pools.entrySet()) {
                    run.sendImages(pool.getValue());
                    EndToEndRun.Phase phase = run.run("warm" + pool.getKey().replace("_", "") + round, warmupFrames,
                            0, null);
                    System.err.printf(Locale.ROOT, "formats: warm-up %d %s: %.1f frames/s%n", round, pool.getKey(),
                            phase.framesPerSecond());
                }
            }
            for (int round = 1; round <= rounds; round++) {
                for (var pool : pools.entrySet()) {
                    run.sendImages(pool.getValue());
                    EndToEndRun.Phase phase = run.run(pool.getKey().replace("_", "") + round, frames, 0, null);
                    fps.computeIfAbsent(pool.getKey(), k -> new ArrayList<>()).add(phase.framesPerSecond());
                    System.err.printf(Locale.ROOT, "formats: round %d %s: %.1f frames/s%n", round, pool.getKey(),
                            phase.framesPerSecond());
                }
            }
        }

        System.out.println("image formats, model " + file.getFileName() + ", " + distinct + " distinct faces a format:");
        List<List<String>> rows = new ArrayList<>();
        rows.add(Results.row("format", "bytes a frame", "decode us a frame (1 thread)", "e2e frames/s (median)",
                "e2e frames/s (rounds)"));
        StringBuilder last = new StringBuilder("formats:");
        Map<String, Object> body = new LinkedHashMap<>();
        for (Map<String, Object> d : decoding) {
            String name = (String) d.get("format");
            List<Double> runs = fps.get(name);
            double median = median(runs);
            d.put("e2eFramesPerSecond", median);
            d.put("e2eFramesPerSecondRounds", runs);
            rows.add(Results.row(name + " (" + FORMATS.get(name).describe() + ")", d.get("bytesPerFrame"),
                    d.get("decodeMicrosPerFrame"), median, runs.stream()
                            .map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
            last.append(String.format(Locale.ROOT, " %s=%.1f", name, median));
        }
        System.out.print(Results.table(rows));
        body.put("model", file.toString());
        body.put("frames", frames);
        body.put("rounds", rounds);
        body.put("formats", decoding);
        System.out.println("json: " + Results.write("formats", body));
        System.out.println(last);
        return 0;
    }

    /** The decoder alone on one thread, as the intake runs it: microseconds and bytes a frame. */
    private Map<String, Object> decodeCost(String name, FrameFormat.CameraImage[] pool) {
        long bytes = 0;
        for (FrameFormat.CameraImage image : pool) {
            bytes += image.bytes().length;
        }
        long frames = 0;
        long checksum = 0;
        try (FaceDecoder decoder = new FaceDecoder(ImageLimits.defaults(8, 1024))) {
            long warmEnd = System.nanoTime() + (long) (decodeSeconds * 1e9 / 3);
            long start = 0;
            long end = Long.MAX_VALUE;
            for (long i = 0; System.nanoTime() < end; i++) {
                FrameFormat.CameraImage image = pool[(int) (i % pool.length)];
                FaceBox box = image.box();
                checksum += decoder.decode(image.encoding(), ByteBuffer.wrap(image.bytes()), image.width(),
                        image.height(), box).pixels()[0];
                if (start == 0 && System.nanoTime() > warmEnd) {
                    start = System.nanoTime();
                    end = start + (long) (decodeSeconds * 1e9);
                    frames = 0;
                } else {
                    frames++;
                }
            }
            double micros = (System.nanoTime() - start) / 1e3 / frames;
            System.err.printf(Locale.ROOT, "formats: decoding %s: %.1f us a frame (%d frames, checksum %d)%n", name,
                    micros, frames, checksum);
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("format", name);
            d.put("describe", FORMATS.get(name).describe());
            d.put("bytesPerFrame", bytes / pool.length);
            d.put("decodeMicrosPerFrame", Math.round(micros * 10) / 10.0);
            return d;
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static Map<String, FrameFormat> formats() {
        Map<String, FrameFormat> m = new LinkedHashMap<>();
        m.put("raw", FrameFormat.RAW);
        m.put("png", new FrameFormat(ImageEncoding.PNG, false, FrameFormat.DEFAULT_JPEG_QUALITY));
        m.put("jpeg", new FrameFormat(ImageEncoding.JPEG, false, FrameFormat.DEFAULT_JPEG_QUALITY));
        m.put("jpeg_frame_box", new FrameFormat(ImageEncoding.JPEG, true, FrameFormat.DEFAULT_JPEG_QUALITY));
        return m;
    }
}
