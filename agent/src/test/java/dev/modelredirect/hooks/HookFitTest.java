package dev.modelredirect.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelredirect.testing.FakeLibraries;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HookFitTest {
    @TempDir
    Path dir;

    private static HookFit.Finding finding(List<HookFit.Finding> findings, String hook) {
        return findings.stream().filter(f -> f.hook().equals(hook)).findFirst().orElseThrow();
    }

    @Test
    void aHookWhoseMethodIsThereAppliesAndNamesTheJarAndItsVersion() throws Exception {
        Path jar = FakeLibraries.fittingDjlApi(dir.resolve("api-0.36.0.jar"));
        HookFit.Finding repository = finding(HookFit.check(List.of(jar)), HookCatalog.DJL_REPOSITORY);
        assertThat(repository.fit()).isEqualTo(HookFit.Fit.APPLIES);
        assertThat(repository.entry()).isEqualTo(jar);
        assertThat(repository.version()).isEqualTo("0.36.0");
        assertThat(repository.problem()).isNull();
    }

    @Test
    void aLibraryThatIsNotOnTheClassPathIsAbsent() throws Exception {
        Path jar = FakeLibraries.fittingDjlApi(dir.resolve("api.jar"));
        HookFit.Finding tokenizer = finding(HookFit.check(List.of(jar)), HookCatalog.HF_TOKENIZER);
        assertThat(tokenizer.fit()).isEqualTo(HookFit.Fit.ABSENT);
        assertThat(tokenizer.entry()).isNull();
    }

    @Test
    void aClassWithoutTheHookedSignatureIsAMisfitSayingWhichMethodIsMissing() throws Exception {
        Path jar = FakeLibraries.jar(dir.resolve("api-0.8.0.jar"), null, Map.of("ai.djl.util.Utils",
                FakeLibraries.classWith("ai.djl.util.Utils", "getCacheDir", String.class)));
        HookFit.Finding cache = finding(HookFit.check(List.of(jar)), HookCatalog.DJL_CACHE);
        assertThat(cache.fit()).isEqualTo(HookFit.Fit.MISFIT);
        assertThat(cache.problem()).isEqualTo("no method static Path getCacheDir() in ai.djl.util.Utils");
        assertThat(cache.version()).as("from the file name").isEqualTo("0.8.0");
    }

    @Test
    void theFirstEntryHoldingTheClassWinsAsWithAClassLoader() throws Exception {
        Path old = FakeLibraries.jar(dir.resolve("old.jar"), "1", Map.of("ai.djl.repository.Repository",
                FakeLibraries.classWith("ai.djl.repository.Repository", "newInstance", Object.class, String.class)));
        Path good = FakeLibraries.fittingDjlApi(dir.resolve("good.jar"));
        HookFit.Finding repository = finding(HookFit.check(List.of(old, good)), HookCatalog.DJL_REPOSITORY);
        assertThat(repository.entry()).isEqualTo(old);
        assertThat(repository.fit()).isEqualTo(HookFit.Fit.MISFIT);
    }

    @Test
    void springAiFitsWhenItsModelHasTheInstanceMethodGetCachedResourceOfResource() throws Exception {
        String resource = "org.springframework.core.io.Resource";
        String model = "org.springframework.ai.transformers.TransformersEmbeddingModel";
        net.bytebuddy.description.type.TypeDescription resourceType = new net.bytebuddy.ByteBuddy()
                .makeInterface().name(resource).make().getTypeDescription();
        byte[] resourceClass = new net.bytebuddy.ByteBuddy().makeInterface().name(resource).make().getBytes();
        byte[] fitting = new net.bytebuddy.ByteBuddy().subclass(Object.class).name(model)
                .defineMethod("getCachedResource", resourceType, net.bytebuddy.description.modifier.Visibility.PRIVATE)
                .withParameters(resourceType).intercept(net.bytebuddy.implementation.FixedValue.nullValue())
                .make().getBytes();
        Path good = FakeLibraries.jar(dir.resolve("spring-ai-transformers-1.1.2.jar"), null,
                Map.of(model, fitting, resource, resourceClass));
        assertThat(finding(HookFit.check(List.of(good)), HookCatalog.SPRING_AI).fit()).isEqualTo(HookFit.Fit.APPLIES);

        Path other = FakeLibraries.jar(dir.resolve("spring-ai-transformers-9.jar"), null, Map.of(model,
                FakeLibraries.classWith(model, "getCachedResource", Object.class, Object.class)));
        HookFit.Finding misfit = finding(HookFit.check(List.of(other)), HookCatalog.SPRING_AI);
        assertThat(misfit.fit()).isEqualTo(HookFit.Fit.MISFIT);
        assertThat(misfit.problem()).isEqualTo("no method Resource getCachedResource(Resource) in " + model);
    }

    @Test
    void aFolderOfClassFilesIsReadToo() throws Exception {
        Path classes = dir.resolve("classes");
        Path file = classes.resolve("ai/djl/util/Ec2Utils.class");
        Files.createDirectories(file.getParent());
        Files.write(file, FakeLibraries.classWith("ai.djl.util.Ec2Utils", "callHome", void.class, String.class));
        HookFit.Finding callHome = finding(HookFit.check(List.of(classes)), HookCatalog.DJL_CALL_HOME);
        assertThat(callHome.fit()).isEqualTo(HookFit.Fit.APPLIES);
        assertThat(callHome.version()).isNull();
    }

    @Test
    void aWildcardEntryMeansEveryJarOfTheFolderInNameOrder() throws Exception {
        Files.createFile(dir.resolve("b.jar"));
        Files.createFile(dir.resolve("a.jar"));
        Files.createFile(dir.resolve("notes.txt"));
        assertThat(HookFit.parseClassPath(dir + File.separator + "*" + File.pathSeparator + "x.jar"))
                .containsExactly(dir.resolve("a.jar"), dir.resolve("b.jar"), Path.of("x.jar"));
    }
}
