package dev.reflowkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import dev.reflowkit.engine.Engines;
import dev.reflowkit.loss.GeneralizedLoss;
import dev.reflowkit.loss.LossValue;
import dev.reflowkit.loss.StatefulWeight;
import dev.reflowkit.model.HostDropout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gradient of a training step's loss with the network's passes split into lanes: the batch cut
 * into {@code L} contiguous parts whose forward and backward passes run at the same time, each on
 * its own thread with an equal share of the engine's threads.
 *
 * <p>Where the loss's weight has no state ({@link StatefulWeight}), the loss {@code L = mean_i(w_i
 * l_i)} is a mean of per-sample terms, and each lane takes its part on its own: the lanes meet once
 * per step.
 *
 * <pre>
 *   lane k (lanes in parallel):  v_k = f_theta(x_t[k], t[k]),  L_k = mean_{i in k}(w_i l_i),
 *                                grad theta += backward of L_k seeded with n_k / n
 * </pre>
 *
 * A stateful weight (updated once per step from the whole batch) needs the whole batch's loss, which
 * the caller evaluates between the lanes' passes:
 *
 * <pre>
 *   v_k = f_theta(x_t[k], t[k])                     lane k, graph recorded       (lanes in parallel)
 *   L   = loss(concat_k u_k, target, t),  u_k = sg[v_k] with a gradient   (caller's thread)
 *   g_k = dL/du_k
 *   grad theta += backward of lane k's graph from g_k                       (lanes in parallel)
 * </pre>
 *
 * Either way the lanes' contributions add up to the whole batch's gradient {@code dL/dtheta}: the
 * loss and its weights see the whole batch's terms, and the dropout masks
 * are the whole batch's ({@link HostDropout#withStream}), so the number of lanes changes only the
 * rounding of the sums. The lanes' gradients meet in the parameters' gradient arrays, which the
 * engine updates under a lock, one addition per lane and parameter, in the order the lanes finish:
 * with two lanes {@code (0 + a) + b} and {@code (0 + b) + a} are the same floats, so the result is
 * the same run after run; with three or more the order can change the last bits.
 *
 * <p>Why: a training step on a CPU at the batch sizes of our images spends much of its time in
 * serial work between and inside operations (small kernels, the autograd engine, dropout masks),
 * so a second engine thread speeds one step up by 5-7% while two one-thread passes on the two
 * halves do about 1.3 times the work (docs/PERFORMANCE.md). One lane ({@link #of}{@code (1)})
 * runs the step as an ordinary forward, loss and backward on the caller's thread.
 *
 * <p>The caller holds the step's {@link GradientCollector} (one per process in DJL); lane threads
 * switch the engine's grad mode on for their forward passes themselves (it is per thread). While
 * two or more lanes are open, the caller's thread (and threads started meanwhile) run on a lane's
 * share of the engine threads; {@link #close} on the caller's thread gives the whole count back.
 */
public final class GradientLanes implements AutoCloseable {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private final int lanes;
    private final ExecutorService pool;
    private final Thread caller;
    private final int callerThreads;

    private GradientLanes(int lanes) {
        this.lanes = lanes;
        this.pool = lanes == 1 ? null : startPool(lanes);
        this.caller = Thread.currentThread();
        this.callerThreads = JniUtils.getNumThreads();
        if (pool != null) {
            // The caller's own work between the lanes' passes (loss, optimizer, EMA) is small; with
            // all threads, its OpenMP workers spin after each of its operations on the cores the
            // lanes compute on (a profile: 6 % of a step's CPU time). Until close(), it gets a share.
            JniUtils.setNumThreads(Math.max(1, callerThreads / lanes));
        }
    }

    /**
     * Lanes for training steps.
     *
     * @param lanes the number of lanes L, {@code >= 1}; 1 runs steps on the caller's thread
     * @return the lanes (close them to stop their threads)
     * @throws IllegalArgumentException if {@code lanes < 1}
     */
    public static GradientLanes of(int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("train.lanes must be >= 1, got " + lanes);
        }
        return new GradientLanes(lanes);
    }

    /**
     * The number of lanes {@code train.lanes = 0} stands for on a U-Net: 2 on a CPU whose engine
     * runs 2 or more intra-op threads, else 1 (a GPU, or one engine thread). Measured on 2 cores
     * only (docs/PERFORMANCE.md); with more cores each of the 2 lanes gets half of the threads.
     *
     * @return 1 or 2
     */
    public static int automatic() {
        if (Engines.engine().defaultDevice().isGpu()) {
            return 1;
        }
        return JniUtils.getNumThreads() >= 2 ? 2 : 1;
    }

    /**
     * The number of lanes.
     *
     * @return L
     */
    public int lanes() {
        return lanes;
    }

    /**
     * Computes a batch's loss and adds its gradient to the parameters' gradients.
     *
     * @param gc the step's gradient collector (held by the caller's thread)
     * @param model the network, called as {@code model.forward(store, input, true)}
     * @param store the parameter store of the caller (one lane); lanes make their own
     * @param input the network's inputs, every one with the batch as its first axis
     * @param target the target velocity of the whole batch
     * @param t the times of the whole batch
     * @param loss the loss
     * @param dropoutSeed the seed of the step's dropout masks
     * @return the loss value of the whole batch (attached where the loss puts it)
     */
    public LossValue compute(GradientCollector gc, Block model, ParameterStore store, NDList input,
            NDArray target, NDArray t, GeneralizedLoss loss, long dropoutSeed) {
        long n = input.head().getShape().get(0);
        if (lanes == 1 || n < lanes) {
            NDArray v = HostDropout.withStream(dropoutSeed, 0,
                    () -> model.forward(store, input, true).singletonOrThrow());
            LossValue value = loss.evaluate(v, target, t);
            gc.backward(value.objective());
            return value;
        }
        if (!(loss.weight() instanceof StatefulWeight)) {
            return computeInLanes(model, input, target, t, loss, dropoutSeed);
        }
        NDManager parent = input.head().getManager();
        List<NDManager> managers = new ArrayList<>();
        List<NDArray> outputs = List.of();
        List<NDArray> temporaries = new ArrayList<>(); // wherever the engine attached them
        try {
            List<Callable<NDArray>> forwards = new ArrayList<>();
            for (int k = 0; k < lanes; k++) {
                long first = n * k / lanes;
                long end = n * (k + 1) / lanes;
                NDManager m = parent.newSubManager();
                managers.add(m);
                NDList part = rows(input, first, end, m);
                ParameterStore laneStore = new ParameterStore(m, false);
                forwards.add(() -> Engines.withGradients(() -> {
                    // The lane's own scope: results of operations whose first operand is a
                    // parameter attach to the parameters' manager, which no step closes.
                    try (NDScope scope = new NDScope()) {
                        NDArray v = HostDropout.withStream(dropoutSeed, first,
                                () -> model.forward(laneStore, part, true).singletonOrThrow());
                        NDScope.unregister(v);
                        return v;
                    }
                }));
            }
            outputs = runAll(forwards);
            List<NDArray> detached = new ArrayList<>();
            for (NDArray v : outputs) {
                NDArray u = v.stopGradient();
                u.setRequiresGradient(true);
                detached.add(u);
                temporaries.add(u);
            }
            NDArray whole = NDArrays.concat(new NDList(detached));
            whole.attach(parent); // the loss value outlives the lanes' managers
            LossValue value = loss.evaluate(whole, target, t);
            gc.backward(value.objective());
            List<Callable<NDArray>> backwards = new ArrayList<>();
            for (int k = 0; k < lanes; k++) {
                PtNDArray v = (PtNDArray) outputs.get(k);
                PtNDArray g = (PtNDArray) detached.get(k).getGradient();
                temporaries.add(g);
                backwards.add(() -> {
                    JniUtils.backward(v, g, false, false);
                    return null;
                });
            }
            runAll(backwards);
            return value;
        } finally {
            for (NDArray v : outputs) {
                v.close();
            }
            for (NDArray x : temporaries) {
                x.close();
            }
            for (NDManager m : managers) {
                m.close();
            }
        }
    }

    /**
     * A step whose loss is a mean of per-sample terms with per-sample weights (no weight with state
     * across the batch): each lane evaluates its own part of the loss and runs its backward pass
     * straight after its forward pass, so the lanes meet once per step instead of twice.
     *
     * <pre>
     *   lane k:  v_k = f(x_t[k], t[k]),  O_k = mean_{i in k}(w_i l_i),  backward of O_k seeded with n_k / n
     * </pre>
     *
     * The seeds make the gradients those of {@code mean_i(w_i l_i)} over the whole batch; the
     * returned value is computed from the lanes' detached per-sample terms as the one-lane step
     * computes it.
     */
    private LossValue computeInLanes(Block model, NDList input, NDArray target,
            NDArray t, GeneralizedLoss loss, long dropoutSeed) {
        long n = input.head().getShape().get(0);
        NDManager parent = input.head().getManager();
        List<NDManager> managers = new ArrayList<>();
        try {
            List<Callable<NDArray[]>> tasks = new ArrayList<>();
            NDArray time = t.getShape().dimension() == 0 ? t.broadcast(new Shape(n)) : t;
            for (int k = 0; k < lanes; k++) {
                long first = n * k / lanes;
                long end = n * (k + 1) / lanes;
                NDManager m = parent.newSubManager();
                managers.add(m);
                NDList part = rows(input, first, end, m);
                NDList partLoss = rows(new NDList(target, time), first, end, m); // target, t
                NDArray seed = m.full(new Shape(), (float) ((end - first) / (double) n));
                ParameterStore laneStore = new ParameterStore(m, false);
                tasks.add(() -> {
                    try (NDScope scope = new NDScope()) {
                        LossValue value = Engines.withGradients(() -> loss.evaluate(
                                HostDropout.withStream(dropoutSeed, first,
                                        () -> model.forward(laneStore, part, true).singletonOrThrow()),
                                partLoss.get(0), partLoss.get(1)));
                        JniUtils.backward((PtNDArray) value.objective(), (PtNDArray) seed, false, false);
                        NDArray[] kept = {value.perSample().stopGradient(), value.weights().stopGradient()};
                        for (NDArray a : kept) {
                            NDScope.unregister(a);
                            a.attach(m);
                        }
                        return kept;
                    }
                });
            }
            List<NDArray[]> parts = runAll(tasks);
            NDList perSample = new NDList();
            NDList weights = new NDList();
            for (NDArray[] p : parts) {
                perSample.add(p[0]);
                weights.add(p[1]);
            }
            NDArray l = NDArrays.concat(perSample);
            NDArray w = NDArrays.concat(weights);
            l.attach(parent);
            w.attach(parent);
            NDArray objective = w.mul(l).mean();
            return new LossValue(objective, l.mean(), l, w);
        } finally {
            for (NDManager m : managers) {
                m.close();
            }
        }
    }

    /** Rows {@code [first, end)} of each array, attached to {@code m}. */
    private static NDList rows(NDList arrays, long first, long end, NDManager m) {
        NDIndex rows = new NDIndex().addSliceDim(first, end);
        NDList part = new NDList();
        for (NDArray x : arrays) {
            NDArray slice = x.get(rows);
            slice.attach(m);
            part.add(slice);
        }
        return part;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
            if (Thread.currentThread() == caller) {
                JniUtils.setNumThreads(callerThreads);
            }
        }
    }

    /** Runs the tasks on the lanes and waits for all of them, then throws the first failure. */
    private <T> List<T> runAll(List<Callable<T>> tasks) {
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> task : tasks) {
            futures.add(pool.submit(task));
        }
        List<T> results = new ArrayList<>();
        Throwable failure = null;
        for (Future<T> f : futures) {
            try {
                results.add(f.get());
            } catch (ExecutionException e) {
                failure = failure == null ? e.getCause() : failure;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the lanes ran", e);
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
        return results;
    }

    /**
     * Starts the lanes' threads, each with an equal share of the engine's intra-op threads (at
     * least one). The count is per thread once a thread has used it (OpenMP) but set through one
     * global value: each lane thread first takes the global value, then sets its own share, and
     * the caller's thread then restores the global value for threads started later.
     */
    private static ExecutorService startPool(int lanes) {
        int id = POOLS.incrementAndGet();
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(lanes, r -> {
            Thread thread = new Thread(r, "reflowkit-lanes-" + id + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        int global = JniUtils.getNumThreads();
        int share = Math.max(1, global / lanes);
        CountDownLatch all = new CountDownLatch(lanes);
        List<Future<?>> started = new ArrayList<>();
        for (int k = 0; k < lanes; k++) {
            started.add(pool.submit(() -> {
                JniUtils.getNumThreads(); // this thread's first use: it takes the global value
                JniUtils.setNumThreads(share);
                all.countDown();
                all.await(); // one task per thread
                return null;
            }));
        }
        try {
            for (Future<?> f : started) {
                f.get();
            }
        } catch (ExecutionException e) {
            pool.shutdownNow();
            throw new IllegalStateException("could not start the training lanes", e.getCause());
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the training lanes", e);
        } finally {
            JniUtils.setNumThreads(global);
        }
        return pool;
    }
}
