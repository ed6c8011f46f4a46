package dev.modelredirect.hookfile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HookFileParserTest {
    private static HookFileParser.Parsed parse(String text) {
        return HookFileParser.parse("hooks.txt", text);
    }

    private static String onlyError(String line) {
        HookFileParser.Parsed parsed = parse(line);
        assertThat(parsed.declarations()).as(line).isEmpty();
        assertThat(parsed.errors()).as(line).hasSize(1);
        return parsed.errors().get(0);
    }

    @Test
    void aMethodLineNamesClassMethodParameterTypesArgumentAndKind() {
        HookFileParser.Parsed parsed = parse("ai.onnxruntime.OrtEnvironment#createSession(java.lang.String,"
                + "ai.onnxruntime.OrtSession$SessionOptions) arg0 path\n");
        assertThat(parsed.errors()).isEmpty();
        HookDeclaration declaration = parsed.declarations().get(0);
        assertThat(declaration.className()).isEqualTo("ai.onnxruntime.OrtEnvironment");
        assertThat(declaration.internalClassName()).isEqualTo("ai/onnxruntime/OrtEnvironment");
        assertThat(declaration.methodName()).isEqualTo("createSession");
        assertThat(declaration.parameterTypes())
                .containsExactly("java.lang.String", "ai.onnxruntime.OrtSession$SessionOptions");
        assertThat(declaration.argument()).isZero();
        assertThat(declaration.kind()).isEqualTo(HookDeclaration.Kind.PATH);
        assertThat(declaration.line()).isEqualTo(1);
        assertThat(declaration.isConstructor()).isFalse();
    }

    @Test
    void aConstructorIsInitAndSpacesTabsCommentsAndBlankLinesAreAllowed() {
        HookFileParser.Parsed parsed = parse("\uFEFF# LangChain4j\n\n   \n"
                + "  dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel#<init>( java.lang.String , "
                + "java.lang.String,dev.langchain4j.model.embedding.onnx.PoolingMode )\targ1   path  \r\n"
                + "# com.example.Ignored#x(java.lang.String) arg0 path\n"
                + "com.example.Loader#load(java.lang.String) arg0 source");
        assertThat(parsed.errors()).isEmpty();
        assertThat(parsed.declarations()).hasSize(2);
        HookDeclaration constructor = parsed.declarations().get(0);
        assertThat(constructor.isConstructor()).isTrue();
        assertThat(constructor.line()).isEqualTo(4);
        assertThat(constructor.argument()).isEqualTo(1);
        assertThat(constructor.text()).isEqualTo("dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel#<init>("
                + "java.lang.String,java.lang.String,dev.langchain4j.model.embedding.onnx.PoolingMode) arg1 path");
        HookDeclaration loader = parsed.declarations().get(1);
        assertThat(loader.line()).isEqualTo(6);
        assertThat(loader.kind()).isEqualTo(HookDeclaration.Kind.SOURCE);
    }

    @Test
    void everyRewritableTypeIsAcceptedAndPrimitivesAndArraysMayStandAround() {
        for (String type : List.of("java.lang.String", "java.nio.file.Path", "java.io.File", "java.net.URL",
                "java.net.URI")) {
            HookFileParser.Parsed parsed = parse("a.B#m(int,byte[],java.lang.String[][]," + type + ") arg3 path");
            assertThat(parsed.errors()).as(type).isEmpty();
            assertThat(parsed.declarations().get(0).argumentType()).isEqualTo(type);
        }
        assertThat(parse("B#m(java.lang.String) arg0 path").declarations()).hasSize(1);
    }

    @Test
    void aMalformedLineIsOneErrorNamingTheFileTheLineNumberAndWhatIsWrong() {
        HookFileParser.Parsed parsed = parse("# ok\na.B#m(java.lang.String) arg0 path\nnot a hook\n"
                + "a.B#n(java.lang.String) arg0 path\n");
        assertThat(parsed.declarations()).extracting(HookDeclaration::methodName).containsExactly("m", "n");
        assertThat(parsed.errors()).containsExactly("hooks.txt line 3: expected CLASS#METHOD(ARGTYPES) at the start;"
                + " the line is ignored (write CLASS#METHOD(ARGTYPES) argN source|path, e.g. "
                + "com.example.Loader#load(java.lang.String) arg0 source)");
    }

    @Test
    void eachKindOfMistakeIsNamed() {
        assertThat(onlyError("a.B#m(java.lang.String) arg1 path")).contains("arg1 is beyond the 1 parameter(s)");
        assertThat(onlyError("a.B#m() arg0 path")).contains("beyond the 0 parameter(s)");
        assertThat(onlyError("a.B#m(int) arg0 path")).contains("arg0 is a int; only String");
        assertThat(onlyError("a.B#m(java.lang.Object) arg0 path")).contains("only String");
        assertThat(onlyError("a.B#m(java.lang.String) arg0 file")).contains("'file' is neither source nor path");
        assertThat(onlyError("a.B#m(java.lang.String) argX path")).contains("'argX' is not argN");
        assertThat(onlyError("a.B#m(java.lang.String) arg-1 path")).contains("is not argN");
        assertThat(onlyError("a.B#m(java.lang.String) arg99999999999 path")).contains("is not argN");
        assertThat(onlyError("a.B#m(java.lang.String) arg0")).contains("expected 'argN source' or 'argN path'");
        assertThat(onlyError("a.B#m(java.lang.String) arg0 path extra")).contains("expected 'argN source'");
        assertThat(onlyError("a.B#m(java.lang.String)")).contains("expected 'argN source'");
        assertThat(onlyError("a..B#m(java.lang.String) arg0 path")).contains("'a..B' is not a class name");
        assertThat(onlyError("1a.B#m(java.lang.String) arg0 path")).contains("is not a class name");
        assertThat(onlyError("a b#m(java.lang.String) arg0 path")).contains("'a b' is not a class name");
        assertThat(parse(" #m(java.lang.String) arg0 path").declarations()).isEmpty();
        assertThat(onlyError("a.B#<clinit>(java.lang.String) arg0 path")).contains("is not a method name");
        assertThat(onlyError("a.B#m-x(java.lang.String) arg0 path")).contains("is not a method name");
        assertThat(onlyError("a.B#(java.lang.String) arg0 path")).contains("'' is not a method name");
        assertThat(onlyError("a.B#m(java.lang.String,,int) arg0 path")).contains("'' is not a parameter type");
        assertThat(onlyError("a.B#m(java.lang.String []) arg0 path")).contains("is not a parameter type");
        assertThat(onlyError("a.B#m(java.lang.String<T>) arg0 path")).contains("is not a parameter type");
        assertThat(onlyError("a.B#m(java.lang.String arg0 path")).contains("expected CLASS#METHOD");
        assertThat(onlyError("a.B#m)java.lang.String( arg0 path")).contains("expected CLASS#METHOD");
        assertThat(onlyError("a.B.m(java.lang.String) arg0 path")).contains("expected CLASS#METHOD");
        assertThat(onlyError("a.B#m(java.lang.String) arg0 path\u0000")).contains("control character U+0000");
        assertThat(onlyError("a.B#m(java.lang.String)\u001b[2J arg0 path")).contains("U+001B");
    }

    @Test
    void aRepeatedLineIsAnErrorNamingTheFirst() {
        HookFileParser.Parsed parsed = parse("a.B#m(java.lang.String) arg0 path\n a.B#m( java.lang.String ) arg0 "
                + "path");
        assertThat(parsed.declarations()).hasSize(1);
        assertThat(parsed.errors()).singleElement().asString().contains("line 2: it repeats line 1");
    }

    @Test
    void hugeInputIsBoundedAndNeverThrows() {
        String longName = "a".repeat(HookFileParser.MAX_LINE_LENGTH + 1);
        assertThat(onlyError(longName + "#m(java.lang.String) arg0 path")).contains("longer than");
        String manyParameters = "a.B#m(" + "int,".repeat(HookFileParser.MAX_PARAMETERS) + "java.lang.String) "
                + "arg255 path";
        assertThat(onlyError(manyParameters)).contains("more than 255 parameters");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < HookFileParser.MAX_LINES + 5; i++) {
            many.append("a.B#m").append(i).append("(java.lang.String) arg0 path\n");
        }
        HookFileParser.Parsed parsed = parse(many.toString());
        assertThat(parsed.declarations()).hasSize(HookFileParser.MAX_LINES);
        assertThat(parsed.errors()).singleElement().asString().contains("more than 10000 lines");
        assertThat(parse("").declarations()).isEmpty();
        assertThat(parse(null).errors()).isEmpty();
        assertThat(parse("\n\n\n").errors()).isEmpty();
    }

    @Test
    void randomBytesNeverThrowAndEveryAcceptedLineIsCanonical() {
        Random random = new Random(11);
        String alphabet = "ab.#$()<>,[] \targ0123456789pathsource\n\r\u0000\uFEFF\u00e9\u202e";
        for (int round = 0; round < 3000; round++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(120);
            for (int i = 0; i < length; i++) {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            HookFileParser.Parsed parsed = parse(text.toString());
            for (HookDeclaration declaration : parsed.declarations()) {
                assertThat(HookFileParser.parse("again", declaration.text()).declarations())
                        .containsExactly(new HookDeclaration(1, declaration.className(), declaration.methodName(),
                                declaration.parameterTypes(), declaration.argument(), declaration.kind()));
            }
            for (String error : parsed.errors()) {
                assertThat(error).startsWith("hooks.txt line ");
            }
        }
    }
}
