package dev.reflowkit.cli;

import ai.djl.ndarray.NDManager;
import dev.reflowkit.field.GuidedField;
import dev.reflowkit.field.VelocityField;
import dev.reflowkit.pipeline.TrainedModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The auto-guidance options shared by {@code sample} and {@code eval}: a weaker model to guide
 * away from and the guidance weight, {@code v = v_weak + w (v_strong - v_weak)} (see {@link
 * GuidedField}).
 */
final class GuidanceOptions {

    @Option(names = "--guide-with", paramLabel = "WEAK_CKPT",
            description = "Auto-guidance: a weaker checkpoint of the same data and sample shape (e.g. an earlier"
                + " or smaller model); v = v_weak + W (v_model - v_weak). Each evaluation then runs both networks"
                + " and counts 2 NFE. Needs --guidance.")
    Path guideWith;

    @Option(names = "--guidance", paramLabel = "W",
            description = "Guidance weight W with --guide-with: 1 = the model alone, 0 = the weak model, > 1 guides"
                + " away from the weak model. With --class (sample): the classifier-free guidance weight.")
    Double weight;

    /**
     * Checks that the options come together.
     *
     * @throws IllegalArgumentException if only one of them is given or the weight is not finite
     */
    void check() {
        check(false);
    }

    /**
     * Checks that the options come together; with classifier-free guidance ({@code --class}),
     * {@code --guidance} alone is the classifier-free guidance weight.
     *
     * @param classGuidance whether {@code --class} was given
     * @throws IllegalArgumentException if the options do not go together or the weight is not finite
     */
    void check(boolean classGuidance) {
        if (classGuidance && guideWith != null) {
            throw new IllegalArgumentException("--class cannot be combined with --guide-with " + guideWith
                    + " (with --class, --guidance is the classifier-free guidance weight)");
        }
        if (guideWith == null && weight != null && !classGuidance) {
            throw new IllegalArgumentException("--guidance " + weight + " needs --guide-with WEAK_CKPT");
        }
        if (guideWith != null && weight == null) {
            throw new IllegalArgumentException("--guide-with " + guideWith + " needs --guidance W (1 = the model"
                    + " alone, > 1 guides away from the weak model)");
        }
        if (weight != null && !Double.isFinite(weight)) {
            throw new IllegalArgumentException("--guidance must be a finite number, got " + weight);
        }
    }

    /**
     * Whether guidance is requested.
     *
     * @return true with {@code --guide-with}
     */
    boolean active() {
        return guideWith != null;
    }

    /**
     * The field to sample: the model itself, or the model guided by the weak checkpoint.
     *
     * @param strong the loaded model ({@code --model})
     * @param strongPath its checkpoint, for messages
     * @param useEma whether to load the weak model's EMA weights (as for the model)
     * @param manager the manager that will own the weak network
     * @return the velocity field
     * @throws IllegalArgumentException if the two models' sample shapes differ
     */
    VelocityField field(TrainedModel strong, Path strongPath, boolean useEma, NDManager manager) {
        check();
        if (guideWith == null) {
            return strong.field();
        }
        TrainedModel weak = TrainedModel.load(guideWith, useEma, manager);
        if (!Arrays.equals(strong.sampleShape(), weak.sampleShape())) {
            throw new IllegalArgumentException("--guide-with " + guideWith + " has sample shape "
                    + Arrays.toString(weak.sampleShape()) + " but --model " + strongPath + " has "
                    + Arrays.toString(strong.sampleShape()) + "; guidance needs models of the same shape");
        }
        return new GuidedField(strong.field(), weak.field(), weight);
    }

    /**
     * The weight as text, e.g. {@code "2"} or {@code "1.5"}.
     *
     * @return the weight without a trailing {@code .0}
     */
    String weightText() {
        double w = weight;
        return w == Math.rint(w) && Math.abs(w) < 1e15 ? Long.toString((long) w) : String.format(Locale.ROOT, "%s", w);
    }
}
