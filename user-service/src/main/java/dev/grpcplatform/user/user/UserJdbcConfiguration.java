package dev.grpcplatform.user.user;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PGobject;

import org.springframework.context.annotation.Configuration;
import org.springframework.core.convert.converter.Converter;
import org.springframework.data.convert.ReadingConverter;
import org.springframework.data.convert.WritingConverter;
import org.springframework.data.jdbc.repository.config.AbstractJdbcConfiguration;

/**
 * Spring Data JDBC configuration of the user feature: maps {@link UserMetadata} to and from a
 * PostgreSQL {@code jsonb} column.
 *
 * <p>Extending {@link AbstractJdbcConfiguration} is Spring Data's way to add converters; Spring
 * Boot's own Spring Data JDBC configuration backs off, and the dialect is detected from the
 * database as before.
 */
@Configuration(proxyBeanMethods = false)
class UserJdbcConfiguration extends AbstractJdbcConfiguration {

	// A plain mapper on purpose: the stored form must not change with the application's JSON settings.
	private static final ObjectMapper JSON = new ObjectMapper();

	private static final TypeReference<Map<String, String>> ENTRIES = new TypeReference<>() {
	};

	@Override
	protected List<?> userConverters() {
		return List.of(new MetadataToJsonbConverter(), new JsonbToMetadataConverter());
	}

	static String toJson(UserMetadata metadata) {
		try {
			return JSON.writeValueAsString(metadata.entries());
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("Could not write user metadata as JSON", ex);
		}
	}

	static UserMetadata fromJson(@Nullable String json) {
		// Most users have no labels: skip the parser for the empty object, as PostgreSQL prints it.
		if (json == null || json.equals("{}")) {
			return UserMetadata.EMPTY;
		}
		try {
			return new UserMetadata(JSON.readValue(json, ENTRIES));
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException("Stored user metadata is not a JSON object of strings", ex);
		}
	}

	@WritingConverter
	static final class MetadataToJsonbConverter implements Converter<UserMetadata, PGobject> {

		@Override
		public PGobject convert(UserMetadata metadata) {
			PGobject jsonb = new PGobject();
			jsonb.setType("jsonb");
			try {
				jsonb.setValue(toJson(metadata));
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
			return jsonb;
		}

	}

	@ReadingConverter
	static final class JsonbToMetadataConverter implements Converter<PGobject, UserMetadata> {

		@Override
		public UserMetadata convert(PGobject jsonb) {
			return fromJson(jsonb.getValue());
		}

	}

}
