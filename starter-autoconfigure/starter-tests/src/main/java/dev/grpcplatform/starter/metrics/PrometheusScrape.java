package dev.grpcplatform.starter.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples of a Prometheus text exposition, for assertions on series by name and labels.
 */
final class PrometheusScrape {

	private final String text;

	private final List<Sample> samples;

	private PrometheusScrape(String text, List<Sample> samples) {
		this.text = text;
		this.samples = samples;
	}

	static PrometheusScrape parse(String text) {
		List<Sample> samples = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (line.isBlank() || line.startsWith("#")) {
				continue;
			}
			int brace = line.indexOf('{');
			int space = line.lastIndexOf(' ');
			String name;
			Map<String, String> labels = new LinkedHashMap<>();
			if (brace >= 0 && brace < space) {
				name = line.substring(0, brace);
				String body = line.substring(brace + 1, line.lastIndexOf('}'));
				int i = 0;
				while (i < body.length()) {
					int eq = body.indexOf('=', i);
					String key = body.substring(i, eq).trim();
					int start = eq + 2;
					StringBuilder value = new StringBuilder();
					int j = start;
					while (body.charAt(j) != '"') {
						if (body.charAt(j) == '\\') {
							j++;
						}
						value.append(body.charAt(j));
						j++;
					}
					labels.put(key, value.toString());
					i = j + 1;
					if (i < body.length() && body.charAt(i) == ',') {
						i++;
					}
				}
			}
			else {
				name = line.substring(0, space);
			}
			samples.add(new Sample(name, labels, Double.parseDouble(line.substring(space + 1))));
		}
		return new PrometheusScrape(text, samples);
	}

	String text() {
		return this.text;
	}

	/**
	 * Returns the value of the one sample with the given name whose labels include the given ones.
	 * @param name sample name
	 * @param labels label name and value pairs
	 * @return the value, or {@code null} when no sample matches
	 */
	Double value(String name, String... labels) {
		List<Sample> matching = matching(name, labels);
		if (matching.size() > 1) {
			throw new IllegalStateException("More than one sample matches " + name + " " + List.of(labels));
		}
		return matching.isEmpty() ? null : matching.get(0).value();
	}

	List<Sample> matching(String name, String... labels) {
		List<Sample> result = new ArrayList<>();
		for (Sample sample : this.samples) {
			if (sample.name().equals(name) && sample.has(labels)) {
				result.add(sample);
			}
		}
		return result;
	}

	boolean hasSeriesStartingWith(String prefix) {
		return this.samples.stream().anyMatch((sample) -> sample.name().startsWith(prefix));
	}

	boolean hasLabel(String label) {
		return this.samples.stream().anyMatch((sample) -> sample.labels().containsKey(label));
	}

	record Sample(String name, Map<String, String> labels, double value) {

		boolean has(String... pairs) {
			for (int i = 0; i < pairs.length; i += 2) {
				if (!pairs[i + 1].equals(this.labels.get(pairs[i]))) {
					return false;
				}
			}
			return true;
		}

	}

}
