package dev.reflowkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.reflowkit.loss.archfixture.ScalarOperandCleanCode;
import dev.reflowkit.loss.archfixture.ScalarOperandViolations;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Guards the DJL scalar-operand trap (DJL_NOTES): on the gradient path, an {@code NDArray}
 * arithmetic op with a Java {@code Number} operand builds a temporary scalar tensor that autograd
 * can read after it was freed, and DJL's {@code Activation.swish/mish} and {@code Loss.l2Loss} do
 * so internally. No class in the loss, model, training or path packages may use them.
 */
class ScalarOperandRuleTest {

    /** Arithmetic ops whose {@code Number} overloads build a freed scalar tensor. */
    static final Set<String> SCALAR_OPS = Set.of(
            "add", "sub", "mul", "div", "pow", "maximum", "minimum",
            "addi", "subi", "muli", "divi", "powi",
            "rsub", "rdiv", "rsubi", "rdivi",
            "mod", "modi", "rmod", "rmodi", "rpow", "rpowi");

    /** DJL activations implemented with scalar operands. */
    static final Set<String> UNSAFE_ACTIVATIONS = Set.of("swish", "mish", "swishBlock", "mishBlock");

    static final String[] GUARDED_PACKAGES = {
        "dev.reflowkit.loss..", "dev.reflowkit.model..", "dev.reflowkit.train..", "dev.reflowkit.path..",
        "dev.reflowkit.features.."
    };

    private static boolean isNdArrayType(JavaClass owner) {
        return owner.isAssignableTo("ai.djl.ndarray.NDArray")
                || owner.isAssignableTo("ai.djl.ndarray.internal.NDArrayEx")
                || owner.getName().equals("ai.djl.ndarray.NDArray")
                || owner.getName().equals("ai.djl.ndarray.internal.NDArrayEx")
                || owner.getName().equals("ai.djl.ndarray.NDArrays");
    }

    private static boolean hasNumberParameter(AccessTarget target) {
        if (!(target instanceof AccessTarget.CodeUnitAccessTarget codeUnit)) {
            return false;
        }
        return codeUnit.getRawParameterTypes().stream()
                .anyMatch(t -> t.getName().equals(Number.class.getName()));
    }

    static final DescribedPredicate<JavaAccess<?>> UNSAFE_ON_GRADIENT_PATH =
            new DescribedPredicate<>(
                    "an NDArray arithmetic op with a java.lang.Number operand, "
                            + "Activation.swish/mish or Loss.l2Loss/new L2Loss") {
                @Override
                public boolean test(JavaAccess<?> access) {
                    AccessTarget target = access.getTarget();
                    JavaClass owner = target.getOwner();
                    String name = target.getName();
                    if (SCALAR_OPS.contains(name) && isNdArrayType(owner)) {
                        return hasNumberParameter(target);
                    }
                    if (owner.getName().equals("ai.djl.nn.Activation")
                            || owner.getName().equals("ai.djl.ndarray.internal.NDArrayEx")) {
                        return UNSAFE_ACTIVATIONS.contains(name);
                    }
                    if (owner.getName().equals("ai.djl.training.loss.Loss")) {
                        return name.equals("l2Loss");
                    }
                    return owner.getName().equals("ai.djl.training.loss.L2Loss")
                            && target instanceof AccessTarget.ConstructorCallTarget;
                }
            };

    static final ArchRule RULE = noClasses()
            .that()
            .resideInAnyPackage(GUARDED_PACKAGES)
            .should()
            .accessTargetWhere(UNSAFE_ON_GRADIENT_PATH)
            .because("a Java scalar operand can be freed before backward and corrupt gradients"
                    + " (DJL_NOTES); create constants with manager.create(value)");

    @Test
    void productionCodeOnTheGradientPathHasNoScalarOperands() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reflowkit");
        assertTrue(
                production.contain("dev.reflowkit.loss.GeneralizedLoss"),
                "the production classes were imported");
        assertFalse(
                production.contain(ScalarOperandViolations.class),
                "test fixtures are not part of the production import");
        RULE.check(production);
    }

    @Test
    void ruleReportsEveryDeliberateViolation() {
        JavaClasses bad = new ClassFileImporter().importClasses(ScalarOperandViolations.class);
        EvaluationResult result = RULE.evaluate(bad);
        assertTrue(result.hasViolation(), "the rule must not be vacuous");
        List<String> details = result.getFailureReport().getDetails();
        assertEquals(ScalarOperandViolations.COUNT, details.size(), String.join("\n", details));
        for (String method : List.of(
                "mulByJavaFloat", "addJavaInt", "powJavaInt", "maximumJavaFloat", "rsubJavaFloat",
                "inPlaceDivide", "staticScalarHelper", "swish", "mish", "halfMse",
                "halfMseConstructed", "methodReference")) {
            assertTrue(
                    details.stream().anyMatch(d -> d.contains("." + method + "(")),
                    "violation reported in " + method + ":\n" + String.join("\n", details));
        }
    }

    @Test
    void ruleAcceptsTensorConstants() {
        JavaClasses clean = new ClassFileImporter().importClasses(ScalarOperandCleanCode.class);
        EvaluationResult result = RULE.evaluate(clean);
        assertFalse(result.hasViolation(), result.getFailureReport().toString());
    }
}
