package dev.reflowkit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core jar holds what users build on, not harness code: the benchmark ({@code reflow bench},
 * the PyTorch reference script) lives in the {@code reflowkit-bench} module, and no library class
 * reaches into it.
 */
class LibraryBoundaryTest {

    @Test
    void theBenchmarkHarnessIsNotPartOfTheLibrary() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reflowkit");
        assertTrue(production.contain("dev.reflowkit.train.FlowTrainer"), "the production classes were imported");
        noClasses().should().resideInAPackage("dev.reflowkit.bench..")
                .because("the benchmark harness lives in reflowkit-bench")
                .check(production);
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.reflowkit.bench..")
                .because("the library must not need the benchmark harness")
                .allowEmptyShould(true)
                .check(production);
        assertNull(LibraryBoundaryTest.class.getResource("/dev/reflowkit/bench/torch_reference.py"),
                "the PyTorch reference script ships with reflowkit-bench, not with the library");
    }
}
