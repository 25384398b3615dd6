package dev.reflowkit.field;

import ai.djl.ndarray.NDArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A decorator that counts the calls to a velocity field, to check a solver's reported NFE.
 *
 * <p>One call evaluates the whole batch, so for a solver the count times the wrapped field's
 * {@linkplain CostedField#costOf cost per call} (1 for a plain field, 2 for a guided one) equals
 * its NFE per sample; the cost is passed through, so wrapping does not change the reported NFE.
 * The counter is thread-safe.
 */
public final class CountingField implements CostedField {

    private final VelocityField field;
    private final AtomicLong calls = new AtomicLong();

    /**
     * Wraps a field.
     *
     * @param field the field to count calls to
     */
    public CountingField(VelocityField field) {
        if (field == null) {
            throw new IllegalArgumentException("CountingField needs a field, got null");
        }
        this.field = field;
    }

    /** {@inheritDoc} */
    @Override
    public NDArray velocity(NDArray x, NDArray t) {
        calls.incrementAndGet();
        return field.velocity(x, t);
    }

    /**
     * The wrapped field's cost per call.
     *
     * @return {@code CostedField.costOf(delegate())}
     */
    @Override
    public int evaluationsPerCall() {
        return CostedField.costOf(field);
    }

    /**
     * The number of calls since creation or the last {@link #reset()}.
     *
     * @return the count
     */
    public long count() {
        return calls.get();
    }

    /** Sets the count back to zero. */
    public void reset() {
        calls.set(0);
    }

    /**
     * The wrapped field.
     *
     * @return the field
     */
    public VelocityField delegate() {
        return field;
    }
}
