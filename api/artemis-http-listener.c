/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <glib/gi18n.h>
#include <netinet/in.h>

#include "artemis-http-listener.h"

/* How long accepting pauses after a failed accept: long enough not to spin on a descriptor limit.
 */
#define RETRY_MS 100
/* Connections taken per wake-up, so that a flood leaves room for the requests already accepted. */
#define ACCEPTS_PER_WAKEUP 64

struct _ArtemisHttpListener {
	GObject parent_instance;

	guint backlog;
	GPtrArray *sockets; /* GSocket, listening */
	GPtrArray *sources; /* GSource, one per socket while accepting */
	gboolean paused;
	guint retry_source;
	gboolean failing; /* an accept failed and no connection was accepted since */
};

enum {
	SIGNAL_ACCEPTED,
	N_SIGNALS,
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (ArtemisHttpListener, artemis_http_listener, G_TYPE_OBJECT)

static void
stop_accepting (ArtemisHttpListener *self)
{
	for (guint i = 0; i < self->sources->len; i++)
		g_source_destroy (g_ptr_array_index (self->sources, i));
	g_ptr_array_set_size (self->sources, 0);
}

static void start_accepting (ArtemisHttpListener *self);

static gboolean
on_retry (gpointer user_data)
{
	ArtemisHttpListener *self = user_data;

	self->retry_source = 0;
	start_accepting (self);
	return G_SOURCE_REMOVE;
}

/* Logged once per run of failures: at the descriptor limit every accept fails until a connection closes. */
static void
accept_failed (ArtemisHttpListener *self, const GError *error)
{
	if (!self->failing) {
		if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
			g_warning (_("Cannot accept connections: %s (the open-file limit is reached; "
				      "raise LimitNOFILE or ulimit -n). Retrying every %u ms."),
				   error->message, RETRY_MS);
		else
			g_warning (_("Cannot accept connections: %s. Retrying every %u ms."), error->message,
				   RETRY_MS);
	}
	self->failing = TRUE;
	stop_accepting (self);
	self->retry_source = g_timeout_add (RETRY_MS, on_retry, self);
}

static gboolean
on_incoming (GSocket *socket, GIOCondition condition, gpointer user_data)
{
	ArtemisHttpListener *self = user_data;

	for (guint i = 0; i < ACCEPTS_PER_WAKEUP && !self->paused; i++) {
		g_autoptr (GError) error = NULL;
		g_autoptr (GSocket) accepted = g_socket_accept (socket, NULL, &error);

		if (accepted == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
			break;
		if (accepted == NULL) {
			accept_failed (self, error);
			return G_SOURCE_REMOVE;
		}
		if (self->failing)
			g_message (_("Accepting connections again"));
		self->failing = FALSE;
		g_signal_emit (self, signals[SIGNAL_ACCEPTED], 0, accepted);
	}
	return G_SOURCE_CONTINUE;
}

static void
start_accepting (ArtemisHttpListener *self)
{
	if (self->paused || self->retry_source != 0 || self->sources->len > 0)
		return;
	for (guint i = 0; i < self->sockets->len; i++) {
		GSource *source = g_socket_create_source (g_ptr_array_index (self->sockets, i), G_IO_IN, NULL);

		g_source_set_callback (source, G_SOURCE_FUNC (on_incoming), self, NULL);
		g_source_attach (source, NULL);
		g_ptr_array_add (self->sources, source);
	}
}

static void
artemis_http_listener_dispose (GObject *object)
{
	ArtemisHttpListener *self = ARTEMIS_HTTP_LISTENER (object);

	stop_accepting (self);
	g_clear_handle_id (&self->retry_source, g_source_remove);
	for (guint i = 0; i < self->sockets->len; i++)
		g_socket_close (g_ptr_array_index (self->sockets, i), NULL);
	g_ptr_array_set_size (self->sockets, 0);
	G_OBJECT_CLASS (artemis_http_listener_parent_class)->dispose (object);
}

static void
artemis_http_listener_finalize (GObject *object)
{
	ArtemisHttpListener *self = ARTEMIS_HTTP_LISTENER (object);

	g_ptr_array_unref (self->sources);
	g_ptr_array_unref (self->sockets);
	G_OBJECT_CLASS (artemis_http_listener_parent_class)->finalize (object);
}

static void
artemis_http_listener_class_init (ArtemisHttpListenerClass *klass)
{
	GObjectClass *object_class = G_OBJECT_CLASS (klass);

	object_class->dispose = artemis_http_listener_dispose;
	object_class->finalize = artemis_http_listener_finalize;
	signals[SIGNAL_ACCEPTED] = g_signal_new ("accepted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
						 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_SOCKET);
}

static void
artemis_http_listener_init (ArtemisHttpListener *self)
{
	self->sockets = g_ptr_array_new_with_free_func (g_object_unref);
	self->sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
}

ArtemisHttpListener *
artemis_http_listener_new (guint backlog)
{
	ArtemisHttpListener *self = g_object_new (ARTEMIS_TYPE_HTTP_LISTENER, NULL);

	self->backlog = backlog;
	return self;
}

static GSocket *
listen_on (ArtemisHttpListener *self, GInetAddress *address, guint port, GError **error)
{
	g_autoptr (GSocketAddress) socket_address = g_inet_socket_address_new (address, port);
	g_autoptr (GSocket) socket =
		g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);

	if (socket == NULL)
		return NULL;
	g_socket_set_blocking (socket, FALSE);
	/* The IPv4 wildcard has its own socket. */
	if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
		g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, TRUE, NULL);
	g_socket_set_listen_backlog (socket, self->backlog);
	if (!g_socket_bind (socket, socket_address, TRUE, error) || !g_socket_listen (socket, error))
		return NULL;
	return g_steal_pointer (&socket);
}

static gboolean
add_socket (ArtemisHttpListener *self, GInetAddress *address, guint port, GError **error)
{
	GSocket *socket = listen_on (self, address, port, error);

	if (socket == NULL)
		return FALSE;
	g_ptr_array_add (self->sockets, socket);
	return TRUE;
}

/* IPv4 and, where the host has it, IPv6 on the same port, as libsoup's listen_all did. */
static gboolean
listen_all (ArtemisHttpListener *self, guint port, GError **error)
{
	g_autoptr (GInetAddress) any4 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
	g_autoptr (GInetAddress) any6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);

	for (;;) {
		g_autoptr (GError) local_error = NULL;

		if (!add_socket (self, any4, port, error))
			return FALSE;
		if (add_socket (self, any6, artemis_http_listener_get_port (self), &local_error))
			return TRUE;
		/* No IPv6 on this host (the errors libsoup ignores too). */
		if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED) ||
		    g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
			return TRUE;
		g_ptr_array_set_size (self->sockets, 0);
		/* The free IPv4 port picked was taken on the IPv6 side: pick another. */
		if (port != 0 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE)) {
			g_propagate_error (error, g_steal_pointer (&local_error));
			return FALSE;
		}
	}
}

gboolean
artemis_http_listener_listen (ArtemisHttpListener *self, const char *address, guint port, GError **error)
{
	g_autoptr (GInetAddress) inet = NULL;

	g_return_val_if_fail (ARTEMIS_IS_HTTP_LISTENER (self), FALSE);
	g_return_val_if_fail (self->sockets->len == 0, FALSE);
	if (address == NULL || *address == '\0') {
		if (!listen_all (self, port, error))
			return FALSE;
	} else {
		inet = g_inet_address_new_from_string (address);
		if (inet == NULL) {
			g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("“%s” is not an IP address"),
				     address);
			return FALSE;
		}
		if (!add_socket (self, inet, port, error))
			return FALSE;
	}
	start_accepting (self);
	return TRUE;
}

guint
artemis_http_listener_get_port (ArtemisHttpListener *self)
{
	g_autoptr (GSocketAddress) address = NULL;

	g_return_val_if_fail (ARTEMIS_IS_HTTP_LISTENER (self), 0);
	if (self->sockets->len == 0)
		return 0;
	address = g_socket_get_local_address (g_ptr_array_index (self->sockets, 0), NULL);
	return address != NULL ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address)) : 0;
}

void
artemis_http_listener_set_paused (ArtemisHttpListener *self, gboolean paused)
{
	g_return_if_fail (ARTEMIS_IS_HTTP_LISTENER (self));
	self->paused = paused;
	if (paused)
		stop_accepting (self);
	else
		start_accepting (self);
}
