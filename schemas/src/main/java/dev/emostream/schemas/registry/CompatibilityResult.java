package dev.emostream.schemas.registry;

import java.util.List;

/**
 * The answer to "could this schema be registered under that subject?".
 *
 * @param compatible true when the registry would accept it (also when the subject has no versions yet)
 * @param messages   the registry's explanations when it is not compatible; may be empty
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public CompatibilityResult {
        messages = List.copyOf(messages);
    }

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
