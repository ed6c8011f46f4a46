package dev.modelredirect.it.apps;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code TokenizerProbe REPO_ID TEXT}: {@code HuggingFaceTokenizer.newInstance(REPO_ID, Map.of())}, as an application
 * asks for a Hub tokenizer by name, then prints {@code ids TAB [...]} and {@code tokens TAB [...]} of TEXT.
 */
public final class TokenizerProbe {
    private TokenizerProbe() {
    }

    public static void main(String[] args) {
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(args[0], Map.of())) {
            Encoding encoding = tokenizer.encode(args[1]);
            System.out.println("ids\t" + Arrays.toString(encoding.getIds()));
            System.out.println("tokens\t" + Arrays.toString(encoding.getTokens()));
        }
    }
}
