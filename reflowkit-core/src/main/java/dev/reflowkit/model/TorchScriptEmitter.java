package dev.reflowkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import dev.reflowkit.engine.TorchScriptArchive;
import java.util.Map;

/**
 * Builds a network's TorchScript forward method line by line ({@link TorchScriptExport}): each
 * block writes its own statements, registering the arrays it reads as tensors {@code self.pK}.
 */
final class TorchScriptEmitter {

    private final StringBuilder code = new StringBuilder();
    private final Map<String, TorchScriptArchive.Tensor> tensors = TorchScriptArchive.tensors();
    private int variables;

    /**
     * Registers a parameter and names it.
     *
     * @param a the array
     * @return its expression, {@code self.pK}
     */
    String parameter(NDArray a) {
        String name = "p" + tensors.size();
        tensors.put(name, TorchScriptExport.parameter(a));
        return "self." + name;
    }

    /**
     * Registers a constant and names it.
     *
     * @param a the array
     * @return its expression, {@code self.pK}
     */
    String buffer(NDArray a) {
        String name = "p" + tensors.size();
        tensors.put(name, TorchScriptExport.buffer(a));
        return "self." + name;
    }

    /**
     * Assigns an expression to a new variable.
     *
     * @param expression the right-hand side
     * @return the variable
     */
    String let(String expression) {
        String v = "h" + variables++;
        line(v + " = " + expression);
        return v;
    }

    /**
     * Adds a statement to the method body.
     *
     * @param statement one line, without indentation
     */
    void line(String statement) {
        code.append("    ").append(statement).append('\n');
    }

    /**
     * Adds raw source (indented by the caller).
     *
     * @param source lines ending in newlines
     */
    void raw(String source) {
        code.append(source);
    }

    /**
     * A 2-D convolution of DJL's {@link Conv2d} (with bias, one group).
     *
     * @param conv the block
     * @param x the input expression
     * @return the output variable
     */
    String conv(Conv2d conv, String x) {
        String w = parameter(conv.getParameters().get("weight").getArray());
        String b = parameter(conv.getParameters().get("bias").getArray());
        return let("torch.conv2d(" + x + ", " + w + ", " + b + ", " + ints(conv.getStride().getShape()) + ", "
                + ints(conv.getPadding().getShape()) + ", " + ints(conv.getDilation().getShape()) + ", 1)");
    }

    /**
     * A linear layer of DJL's {@link Linear}.
     *
     * @param linear the block
     * @param x the input expression
     * @return the output expression (not assigned)
     */
    String linear(Linear linear, String x) {
        return "torch.linear(" + x + ", " + parameter(linear.getParameters().get("weight").getArray()) + ", "
                + parameter(linear.getParameters().get("bias").getArray()) + ")";
    }

    private static String ints(long[] values) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return s.append(']').toString();
    }

    /**
     * The method's source and tensors.
     *
     * @param signature the {@code def forward(...)} line
     * @return the source
     */
    TorchScriptExport.Source source(String signature) {
        return new TorchScriptExport.Source(signature + code, tensors);
    }
}
