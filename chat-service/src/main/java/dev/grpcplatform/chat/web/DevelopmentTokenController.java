package dev.grpcplatform.chat.web;

import java.util.Map;

import dev.grpcplatform.starter.security.DevelopmentTokens;

import org.springframework.context.annotation.Profile;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Mints a development token for the chat page, under the {@code dev} profile only: the server
 * accepts tokens signed with the built-in development secret only then, so this opens nothing that
 * a profile without it would not refuse anyway.
 */
@RestController
@Profile("dev")
class DevelopmentTokenController {

	/**
	 * Scopes the page needs: chat:write for ChatService, users:read for the member lookups the
	 * server makes with the caller's token.
	 */
	static final String[] SCOPES = { "chat:write", "users:read" };

	@PostMapping("/dev/token")
	ResponseEntity<Map<String, Object>> token() {
		return ResponseEntity.ok()
			.cacheControl(CacheControl.noStore())
			.body(Map.of("token", DevelopmentTokens.mint("chat-page", SCOPES), "scopes", String.join(" ", SCOPES)));
	}

}
