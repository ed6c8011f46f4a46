package dev.modelredirect.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The demo application's jar, built by the demo-app module ({@code demo.jar} overrides where it is). */
final class DemoJar {
    private DemoJar() {
    }

    static Path path() {
        Path jar = Path.of(System.getProperty("demo.jar", "../demo-app/target/demo-app.jar")).toAbsolutePath()
                .normalize();
        assertThat(jar).as("the demo application, built by the demo-app module").exists();
        return jar;
    }
}
