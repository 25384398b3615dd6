package dev.reflowkit.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * Guards {@link EagerScope}: blocks free their intermediates before the backward pass, which is
 * safe for tensors the engine allocated but not for tensors made from Java data
 * ({@code NDManager.create}), whose memory belongs to a Java buffer that the garbage collector may
 * free while autograd still reads it (DJL_NOTES). So no network block may create arrays from Java
 * data; only the time embedding's frequency table does, off the gradient path, and
 * {@link HostDropout}, which copies its mask into engine memory before using it (tested in
 * {@code HostDropoutTest} with the scope freeing it and the garbage collector running).
 */
class EagerScopeRuleTest {

    static final DescribedPredicate<JavaCall<?>> CREATE_FROM_JAVA_DATA =
            new DescribedPredicate<>("NDManager.create(...)") {
                @Override
                public boolean test(JavaCall<?> call) {
                    return call.getTarget().getOwner().isAssignableTo("ai.djl.ndarray.NDManager")
                            && call.getTarget().getName().equals("create");
                }
            };

    static final ArchRule RULE = noClasses()
            .that().resideInAPackage("dev.reflowkit.model..")
            .and().doNotHaveSimpleName("SinusoidalTimeEmbedding")
            .and().doNotHaveSimpleName("HostDropout")
            .should().callMethodWhere(CREATE_FROM_JAVA_DATA)
            .because("EagerScope closes block intermediates before backward; make constants with"
                    + " manager.full/ones/zeros (engine memory), not create (Java memory)");

    @Test
    void networkBlocksMakeNoArraysFromJavaData() {
        JavaClasses production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.reflowkit.model");
        assertTrue(production.contain(AttentionBlock.class), "the model classes were imported");
        RULE.check(production);
    }

    @Test
    void ruleIsNotVacuous() {
        JavaClasses timeEmbedding = new ClassFileImporter().importClasses(SinusoidalTimeEmbedding.class);
        ArchRule strict = noClasses().should().callMethodWhere(CREATE_FROM_JAVA_DATA);
        assertTrue(strict.evaluate(timeEmbedding).hasViolation(), "the predicate finds a real create call");
    }
}
