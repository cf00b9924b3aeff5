package dev.grpcplatform.deploy;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;

/**
 * Finds what fabric8 could not map to a field of its typed model: misspelled or misplaced keys
 * land in {@code additionalProperties}, and an unknown kind or apiVersion becomes a
 * {@link GenericKubernetesResource}.
 */
final class UnknownFields {

	private UnknownFields() {
	}

	/**
	 * Paths of everything in {@code object} that is not a known field, e.g.
	 * {@code spec.template.spec.containers[0].livenesProbe}.
	 */
	static List<String> in(Object object) {
		List<String> found = new ArrayList<>();
		walk(object, "", found);
		return found;
	}

	private static void walk(Object value, String path, List<String> found) {
		if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean
				|| value instanceof Enum<?>) {
			return;
		}
		if (value instanceof GenericKubernetesResource generic) {
			found.add(path + " (unknown kind " + generic.getApiVersion() + "/" + generic.getKind() + ")");
			return;
		}
		if (value instanceof Map<?, ?> map) {
			map.forEach((key, item) -> walk(item, path + "[" + key + "]", found));
			return;
		}
		if (value instanceof Collection<?> collection) {
			int index = 0;
			for (Object item : collection) {
				walk(item, path + "[" + index++ + "]", found);
			}
			return;
		}
		if (!value.getClass().getName().startsWith("io.fabric8.")) {
			return;
		}
		for (Class<?> type = value.getClass(); type != null && type != Object.class; type = type.getSuperclass()) {
			for (Field field : type.getDeclaredFields()) {
				if (Modifier.isStatic(field.getModifiers())) {
					continue;
				}
				field.setAccessible(true);
				Object fieldValue;
				try {
					fieldValue = field.get(value);
				}
				catch (IllegalAccessException ex) {
					throw new IllegalStateException(ex);
				}
				String fieldPath = path.isEmpty() ? field.getName() : path + "." + field.getName();
				if (field.getName().equals("additionalProperties") && fieldValue instanceof Map<?, ?> extra) {
					extra.keySet().forEach((key) -> found.add((path.isEmpty() ? "" : path + ".") + key));
				}
				else {
					walk(fieldValue, fieldPath, found);
				}
			}
		}
	}

}
