package dev.reflowkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The scalar-operand guard of {@link ScalarOperandRuleTest} applied to the feature network
 * (trained with autograd, so on the gradient path).
 */
class FeaturesScalarOperandRuleTest {

    @Test
    void featureNetworkCodeHasNoScalarOperands() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reflowkit.features");
        assertTrue(production.contain("dev.reflowkit.features.FeatureNetworkTrainer"), "classes imported");
        noClasses()
                .that()
                .resideInAnyPackage("dev.reflowkit.features..")
                .should()
                .accessTargetWhere(ScalarOperandRuleTest.UNSAFE_ON_GRADIENT_PATH)
                .because("a Java scalar operand can be freed before backward and corrupt gradients (DJL_NOTES)")
                .check(production);
    }
}
