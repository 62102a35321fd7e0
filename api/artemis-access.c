/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "artemis-access.h"

#define REPLICATION_PREFIX "/api/replication/"

struct _ArtemisAccess {
	GObject parent_instance;

	GPtrArray *tokens;	/* operators' (char *) */
	GPtrArray *peer_tokens; /* the cluster's peers' */
};

G_DEFINE_FINAL_TYPE (ArtemisAccess, artemis_access, G_TYPE_OBJECT)

static void
artemis_access_finalize (GObject *object)
{
	ArtemisAccess *self = ARTEMIS_ACCESS (object);

	g_ptr_array_unref (self->tokens);
	g_ptr_array_unref (self->peer_tokens);
	G_OBJECT_CLASS (artemis_access_parent_class)->finalize (object);
}

static void
artemis_access_class_init (ArtemisAccessClass *klass)
{
	G_OBJECT_CLASS (klass)->finalize = artemis_access_finalize;
}

static void
artemis_access_init (ArtemisAccess *self)
{
	self->tokens = g_ptr_array_new_with_free_func (g_free);
	self->peer_tokens = g_ptr_array_new_with_free_func (g_free);
}

static void
add_tokens (GPtrArray *tokens, char **list)
{
	for (guint i = 0; list != NULL && list[i] != NULL; i++)
		g_ptr_array_add (tokens, g_strdup (list[i]));
}

/* One token a line; blank lines and lines starting with '#' are skipped. */
static gboolean
read_token_file (GPtrArray *tokens, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	g_auto (GStrv) lines = NULL;

	if (!g_file_get_contents (path, &text, NULL, error)) {
		g_prefix_error (error, _("[security] token-file: "));
		return FALSE;
	}
	lines = g_strsplit (text, "\n", -1);
	for (guint i = 0; lines[i] != NULL; i++) {
		char *line = g_strstrip (lines[i]);

		if (*line != '\0' && *line != '#')
			g_ptr_array_add (tokens, g_strdup (line));
	}
	return TRUE;
}

ArtemisAccess *
artemis_access_new (const ArtemisConfig *config, GError **error)
{
	g_autoptr (ArtemisAccess) self = g_object_new (ARTEMIS_TYPE_ACCESS, NULL);

	add_tokens (self->tokens, config->security_tokens);
	add_tokens (self->peer_tokens, config->security_peer_tokens);
	if (*config->security_token_file != '\0' &&
	    !read_token_file (self->tokens, config->security_token_file, error))
		return NULL;
	return g_steal_pointer (&self);
}

/* Takes as long for any @given of a length, so that timing tells nothing of a token. */
static gboolean
token_equal (const char *given, gsize given_len, const char *token)
{
	gsize token_len = strlen (token);
	guint diff = given_len != token_len;

	for (gsize i = 0; i < token_len; i++)
		diff |= (guchar) token[i] ^ (guchar) (i < given_len ? given[i] : 0);
	return diff == 0;
}

static gboolean
is_known (GPtrArray *tokens, const char *given, gsize given_len)
{
	gboolean known = FALSE;

	for (guint i = 0; i < tokens->len; i++)
		known |= token_equal (given, given_len, g_ptr_array_index (tokens, i));
	return known;
}

/* The token of `Authorization: Bearer TOKEN`, or NULL. */
static const char *
bearer_token (SoupServerMessage *msg, gsize *len)
{
	const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
							  "Authorization");

	if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", strlen ("Bearer ")) != 0)
		return NULL;
	value += strlen ("Bearer ");
	while (*value == ' ')
		value++;
	*len = strlen (value);
	while (*len > 0 && value[*len - 1] == ' ')
		(*len)--;
	return *len > 0 ? value : NULL;
}

static void
refuse (ArtemisRequest *request, const char *path, guint status, const char *message)
{
	SoupServerMessage *msg = request->msg;
	const char *client = soup_server_message_get_remote_host (msg);

	g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "MESSAGE", "Refused %s from %s: %s", path,
			  client != NULL ? client : "?", message, "ARTEMIS_OPERATION", path, "ARTEMIS_CLIENT",
			  client != NULL ? client : "", "ARTEMIS_RESULT", "refused");
	if (status == SOUP_STATUS_UNAUTHORIZED)
		soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
					      "Bearer realm=\"artemis\"");
	artemis_request_reply_error (request, status, artemis_error_to_error_code (ARTEMIS_ERROR_NO_PERMISSION),
				     message);
}

gboolean
artemis_access_check (ArtemisRequest *request, const char *path, gpointer user_data)
{
	ArtemisAccess *self = user_data;
	gboolean peer = g_str_has_prefix (path, REPLICATION_PREFIX);
	GPtrArray *tokens = peer ? self->peer_tokens : self->tokens;
	const char *given;
	gsize len = 0;

	if (tokens->len == 0)
		return TRUE;
	given = bearer_token (request->msg, &len);
	if (given == NULL) {
		refuse (request, path, SOUP_STATUS_UNAUTHORIZED,
			peer ? "Replication needs a peer token: send Authorization: Bearer <token>."
			     : "This write needs a token: send Authorization: Bearer <token>.");
		return FALSE;
	}
	if (!is_known (tokens, given, len)) {
		refuse (request, path, SOUP_STATUS_FORBIDDEN,
			peer ? "The token is not a peer token of this node." : "The token is not valid here.");
		return FALSE;
	}
	return TRUE;
}

char *
artemis_access_describe (ArtemisAccess *self, const char *where)
{
	if (self->tokens->len == 0)
		return g_strdup_printf (_("Management writes: anyone who can reach %s (no [security] tokens)"),
					where);
	return g_strdup_printf (_("Management writes: require a [security] token (%u configured)"),
				self->tokens->len);
}
