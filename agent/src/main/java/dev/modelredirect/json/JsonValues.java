package dev.modelredirect.json;

import java.util.List;
import java.util.Map;

/** Typed reads from parsed JSON, failing with a message that names the missing or mistyped field. */
public final class JsonValues {
    private JsonValues() {
    }

    /** The string at {@code key}, or null when absent or null. */
    public static String string(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String)) {
            throw new JsonException("field '" + key + "' should be a string");
        }
        return (String) value;
    }

    /** The string at {@code key}; throws when absent. */
    public static String requiredString(Map<String, Object> object, String key) {
        String value = string(object, key);
        if (value == null) {
            throw new JsonException("field '" + key + "' is missing");
        }
        return value;
    }

    /** The whole number at {@code key}, or {@code fallback} when absent; a fraction or a number past long fails. */
    public static long longValue(Map<String, Object> object, String key, long fallback) {
        Object value = object.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof java.math.BigDecimal) {
            try {
                // exact, and cheap even for 1e999999999 (longValue() would expand it digit by digit)
                return ((java.math.BigDecimal) value).longValueExact();
            } catch (ArithmeticException ex) {
                throw new JsonException("field '" + key + "' should be a whole number from " + Long.MIN_VALUE
                        + " to " + Long.MAX_VALUE);
            }
        }
        if (!(value instanceof Number)) {
            throw new JsonException("field '" + key + "' should be a number");
        }
        return ((Number) value).longValue();
    }

    /** The object at {@code key}, or null when absent. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map)) {
            throw new JsonException("field '" + key + "' should be an object");
        }
        return (Map<String, Object>) value;
    }

    /** The array at {@code key}, or an empty list when absent. */
    @SuppressWarnings("unchecked")
    public static List<Object> array(Map<String, Object> object, String key) {
        Object value = object.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List)) {
            throw new JsonException("field '" + key + "' should be an array");
        }
        return (List<Object>) value;
    }

    /** Casts an array element that must be an object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asObject(Object element, String what) {
        if (!(element instanceof Map)) {
            throw new JsonException(what + " should be an object");
        }
        return (Map<String, Object>) element;
    }
}
