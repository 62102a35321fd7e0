/* SPDX-License-Identifier: Apache-2.0 */
#include "config.h"

#include <errno.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

/*
 * ws-bench: how long a registry change takes from a REST register to the
 * WebSocket push on every subscriber, and what an idle subscriber costs
 * artemisd (docs/benchmarks.md, "WebSocket push").
 *
 *   ws-bench --artemisd build/api/artemisd [--changes 2000]
 *            [--subscribers 1,100,1000] [--idle 10000] [--json FILE]
 *
 * It starts its own artemisd on 127.0.0.1 (inheriting a raised
 * RLIMIT_NOFILE), opens the subscribers as raw sockets driven by one epoll
 * loop, and for each change measures, per subscriber, the time from just
 * before the HTTP request is written to the moment the push is read.
 * Changes go one at a time: the next one starts when every subscriber has
 * the previous one and the HTTP answer is in.
 *
 * For scale, each run is repeated against a floor: artemisd replaced by a
 * process that only write()s a same-sized frame to each accepted socket, so
 * what the kernel's loopback TCP costs on this machine shows next to what
 * artemisd adds.
 */

#define SERVICE_ID "bench.svc"
#define WARMUP_CHANGES 100
#define IDLE_CHANGES 20
#define READ_CHUNK 65536
#define MAX_EVENTS 1024
#define WAIT_TIMEOUT_MS 30000

typedef struct {
	int fd;
	GByteArray *in;
	guint n_texts;
	guint n_pongs;
	gint64 last_text_us;
} Subscriber;

typedef struct {
	GSubprocess *process;
	char *dir;
	char *log_path;
	guint port;
} Daemon;

/* The floor: a bare send loop in a child process, in place of artemisd. */
typedef struct {
	int trigger[2]; /* a pipe: one byte per change, 0 to stop */
	GPid pid;
} Floor;

typedef struct {
	int epoll_fd;
	GPtrArray *subscribers; /* Subscriber */
	int http_fd;
	guint port;
	guint next_instance;
	Floor *floor; /* instead of artemisd, or NULL */
} Bench;

typedef struct {
	guint subscribers;
	guint changes;
	double p50_ms;
	double p99_ms;
	double max_ms;
	double all_p50_ms; /* until the last subscriber has it */
	double all_p99_ms;
} LatencyResult;

static gint64
now_us (void)
{
	return g_get_monotonic_time ();
}

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
die (const char *format, ...)
{
	va_list args;

	va_start (args, format);
	g_vfprintf (stderr, format, args);
	va_end (args);
	fputc ('\n', stderr);
	exit (1);
}

/* ---- artemisd ---------------------------------------------------------- */

static gsize
daemon_rss (Daemon *daemon)
{
	g_autofree char *path =
		g_strdup_printf ("/proc/%s/status", g_subprocess_get_identifier (daemon->process));
	g_autofree char *status = NULL;
	const char *line;

	if (!g_file_get_contents (path, &status, NULL, NULL) || (line = strstr (status, "VmRSS:")) == NULL)
		die ("cannot read %s", path);
	return g_ascii_strtoull (line + strlen ("VmRSS:"), NULL, 10) * 1024;
}

/* Plugins of the build tree artemisd comes from (build/api/artemisd → build/plugins). */
static char *
find_plugin_dir (const char *artemisd)
{
	g_autofree char *api_dir = g_path_get_dirname (artemisd);
	g_autofree char *build_dir = g_path_get_dirname (api_dir);
	g_autofree char *plugins = g_build_filename (build_dir, "plugins", NULL);

	return g_file_test (plugins, G_FILE_TEST_IS_DIR) ? g_steal_pointer (&plugins) : NULL;
}

static Daemon *
daemon_start (const char *artemisd)
{
	Daemon *daemon = g_new0 (Daemon, 1);
	g_autoptr (GSubprocessLauncher) launcher =
		g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_MERGE);
	g_autoptr (GError) error = NULL;
	g_autofree char *config_path = NULL;
	g_autofree char *data_dir = NULL;
	g_autofree char *plugin_dir = find_plugin_dir (artemisd);
	gint64 deadline = now_us () + 10 * G_USEC_PER_SEC;

	daemon->dir = g_dir_make_tmp ("ws-bench-XXXXXX", &error);
	if (daemon->dir == NULL)
		die ("%s", error->message);
	config_path = g_build_filename (daemon->dir, "artemisd.conf", NULL);
	data_dir = g_build_filename (daemon->dir, "data", NULL);
	daemon->log_path = g_build_filename (daemon->dir, "artemisd.log", NULL);
	/* Room for the idle run; everything else at its default. */
	if (!g_file_set_contents (config_path,
				  "[deployment]\nregion-id=SHA\nzone-id=SHA-Z1\n"
				  "[websocket]\nmax-sockets=20000\n",
				  -1, &error))
		die ("%s", error->message);
	g_subprocess_launcher_set_stdout_file_path (launcher, daemon->log_path);
	if (plugin_dir != NULL && g_getenv ("ARTEMIS_PLUGIN_DIR") == NULL)
		g_subprocess_launcher_setenv (launcher, "ARTEMIS_PLUGIN_DIR", plugin_dir, TRUE);
	daemon->process = g_subprocess_launcher_spawn (launcher, &error, artemisd, "--config", config_path,
						       "--port", "0", "--bind", "127.0.0.1", "--data-dir",
						       data_dir, "--no-dbus", NULL);
	if (daemon->process == NULL)
		die ("cannot start %s: %s", artemisd, error->message);
	while (daemon->port == 0 && now_us () < deadline) {
		g_autofree char *log = NULL;
		const char *line;

		g_usleep (20000);
		if (g_file_get_contents (daemon->log_path, &log, NULL, NULL) &&
		    (line = strstr (log, "Listening on port ")) != NULL)
			daemon->port = g_ascii_strtoull (line + strlen ("Listening on port "), NULL, 10);
	}
	if (daemon->port == 0)
		die ("artemisd did not start, see %s", daemon->log_path);
	return daemon;
}

/* Removes @path and, for a directory, everything in it. */
static void
remove_tree (const char *path)
{
	g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
	const char *name;

	while (dir != NULL && (name = g_dir_read_name (dir)) != NULL) {
		g_autofree char *child = g_build_filename (path, name, NULL);

		remove_tree (child);
	}
	g_remove (path);
}

/* Stops it and removes its directory (configuration, log, data). */
static void
daemon_stop (Daemon *daemon)
{
	g_subprocess_send_signal (daemon->process, SIGTERM);
	g_subprocess_wait (daemon->process, NULL, NULL);
	g_object_unref (daemon->process);
	remove_tree (daemon->dir);
	g_free (daemon->dir);
	g_free (daemon->log_path);
	g_free (daemon);
}

/* ---- sockets ----------------------------------------------------------- */

/* Sockets and pipes alike (SIGPIPE is ignored). */
static void
write_all (int fd, const void *data, gsize len)
{
	const guint8 *p = data;

	while (len > 0) {
		ssize_t n = write (fd, p, len);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n <= 0)
			die ("send: %s", g_strerror (errno));
		p += n;
		len -= n;
	}
}

static int
connect_loopback (guint port)
{
	struct sockaddr_in address = { 0 };
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		die ("socket: %s", g_strerror (errno));
	address.sin_family = AF_INET;
	address.sin_port = htons (port);
	address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
	setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect (fd, (struct sockaddr *) &address, sizeof address) != 0)
		die ("connect: %s", g_strerror (errno));
	return fd;
}

/* Reads an HTTP head (and, with a Content-Length, its body) from a blocking socket. */
static char *
read_http_response (int fd)
{
	g_autoptr (GString) response = g_string_new (NULL);
	char buffer[4096];
	const char *end = NULL;
	gsize want = G_MAXSIZE;

	while (response->len < want) {
		ssize_t n = recv (fd, buffer, sizeof buffer, 0);

		if (n <= 0)
			die ("HTTP connection ended early");
		g_string_append_len (response, buffer, n);
		if (end == NULL && (end = strstr (response->str, "\r\n\r\n")) != NULL) {
			const char *length = strstr (response->str, "Content-Length: ");

			want = end + 4 - response->str;
			if (length != NULL && length < end)
				want += g_ascii_strtoull (length + strlen ("Content-Length: "), NULL, 10);
		}
	}
	return g_string_free (g_steal_pointer (&response), FALSE);
}

/* One masked client frame (RFC 6455 §5.3). */
static void
send_frame (int fd, guint8 opcode, const char *payload)
{
	gsize len = strlen (payload);
	g_autoptr (GByteArray) frame = g_byte_array_sized_new (len + 8);
	guint8 header[4] = { 0x80 | opcode, 0, 0, 0 };
	guint8 mask[4];
	gsize header_len = 2;

	*(guint32 *) mask = g_random_int ();
	if (len < 126) {
		header[1] = 0x80 | len;
	} else {
		header[1] = 0x80 | 126;
		header[2] = len >> 8;
		header[3] = len & 0xff;
		header_len = 4;
	}
	g_byte_array_append (frame, header, header_len);
	g_byte_array_append (frame, mask, 4);
	for (gsize i = 0; i < len; i++) {
		guint8 byte = payload[i] ^ mask[i & 3];

		g_byte_array_append (frame, &byte, 1);
	}
	write_all (fd, frame->data, frame->len);
}

static Subscriber *
subscriber_connect (Bench *bench, const char *service_id)
{
	Subscriber *subscriber = g_new0 (Subscriber, 1);
	g_autofree char *request = g_strdup_printf ("GET /ws/discovery/instance-change HTTP/1.1\r\n"
						    "Host: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
						    "Connection: Upgrade\r\n"
						    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
						    "Sec-WebSocket-Version: 13\r\n\r\n",
						    bench->port);
	g_autofree char *subscription = g_strdup_printf (
		"{\"discoveryData\":null,\"regionId\":\"SHA\",\"serviceId\":\"%s\",\"zoneId\":\"SHA-Z1\"}",
		service_id);
	g_autofree char *response = NULL;
	struct epoll_event event = { .events = EPOLLIN };

	subscriber->fd = connect_loopback (bench->port);
	subscriber->in = g_byte_array_new ();
	write_all (subscriber->fd, request, strlen (request));
	/* The 101 has no body, and nothing follows it before we subscribe. */
	response = read_http_response (subscriber->fd);
	if (!g_str_has_prefix (response, "HTTP/1.1 101"))
		die ("upgrade refused: %.40s", response);
	send_frame (subscriber->fd, 0x1, subscription);
	g_unix_set_fd_nonblocking (subscriber->fd, TRUE, NULL);
	event.data.ptr = subscriber;
	if (epoll_ctl (bench->epoll_fd, EPOLL_CTL_ADD, subscriber->fd, &event) != 0)
		die ("epoll_ctl: %s", g_strerror (errno));
	return subscriber;
}

static void
subscriber_free (Subscriber *subscriber)
{
	close (subscriber->fd);
	g_byte_array_unref (subscriber->in);
	g_free (subscriber);
}

/* Counts the complete server frames in the buffer and keeps the rest. */
static void
parse_frames (Subscriber *subscriber, gint64 received_us)
{
	const guint8 *data = subscriber->in->data;
	gsize len = subscriber->in->len;
	gsize offset = 0;

	for (;;) {
		gsize header = 2;
		guint64 payload;

		if (len - offset < 2)
			break;
		payload = data[offset + 1] & 0x7f;
		if (payload == 126) {
			header = 4;
			if (len - offset < header)
				break;
			payload = (data[offset + 2] << 8) | data[offset + 3];
		} else if (payload == 127) {
			die ("unexpectedly large frame");
		}
		if (len - offset - header < payload)
			break;
		switch (data[offset] & 0x0f) {
		case 0x1:
			subscriber->n_texts++;
			subscriber->last_text_us = received_us;
			break;
		case 0xA:
			subscriber->n_pongs++;
			break;
		case 0x8:
			die ("the server closed a subscriber");
		default:
			break;
		}
		offset += header + payload;
	}
	g_byte_array_remove_range (subscriber->in, 0, offset);
}

static void
subscriber_read (Subscriber *subscriber)
{
	guint8 buffer[READ_CHUNK];

	for (;;) {
		ssize_t n = recv (subscriber->fd, buffer, sizeof buffer, 0);
		gint64 received_us = now_us ();

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			die ("a subscriber was disconnected");
		g_byte_array_append (subscriber->in, buffer, n);
		parse_frames (subscriber, received_us);
		/* Level-triggered: what is left wakes epoll again, so spare the EAGAIN call. */
		if ((gsize) n < sizeof buffer)
			return;
	}
}

typedef gboolean (*DoneFunc) (Bench *bench, gpointer user_data);

/* Reads whatever arrives until @done says so. */
static void
run_until (Bench *bench, DoneFunc done, gpointer user_data)
{
	struct epoll_event events[MAX_EVENTS];
	gint64 deadline = now_us () + WAIT_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;

	while (!done (bench, user_data)) {
		int n = epoll_wait (bench->epoll_fd, events, MAX_EVENTS, 1000);

		if (n < 0 && errno != EINTR)
			die ("epoll_wait: %s", g_strerror (errno));
		for (int i = 0; i < n; i++)
			subscriber_read (events[i].data.ptr);
		if (now_us () > deadline)
			die ("timed out waiting for the server");
	}
}

static gboolean
all_ponged (Bench *bench, gpointer user_data)
{
	guint want = GPOINTER_TO_UINT (user_data);

	for (guint i = 0; i < bench->subscribers->len; i++) {
		Subscriber *subscriber = g_ptr_array_index (bench->subscribers, i);

		if (subscriber->n_pongs < want)
			return FALSE;
	}
	return TRUE;
}

/* A ping round trip on every socket: the subscriptions sent before are in effect. */
static void
sync_subscribers (Bench *bench)
{
	Subscriber *first = g_ptr_array_index (bench->subscribers, 0);
	guint want = first->n_pongs + 1;

	for (guint i = 0; i < bench->subscribers->len; i++) {
		Subscriber *subscriber = g_ptr_array_index (bench->subscribers, i);

		send_frame (subscriber->fd, 0x9, "sync");
	}
	run_until (bench, all_ponged, GUINT_TO_POINTER (want));
}

static void
open_subscribers (Bench *bench, guint n, const char *service_id)
{
	for (guint i = 0; i < n; i++)
		g_ptr_array_add (bench->subscribers, subscriber_connect (bench, service_id));
	sync_subscribers (bench);
}

/* ---- changes ----------------------------------------------------------- */

/* A Java client's register of one instance (13 properties, sorted). */
static char *
register_request (Bench *bench, const char *service_id)
{
	guint id = bench->next_instance++ % 16;
	g_autofree char *body = g_strdup_printf (
		"{\"instances\":[{\"groupId\":null,\"healthCheckUrl\":\"http://10.0.0.%u:8080/hc\","
		"\"instanceId\":\"10.0.0.%u:8080\",\"ip\":\"10.0.0.%u\",\"machineName\":\"bench-%u\","
		"\"metadata\":null,\"port\":8080,\"protocol\":\"http\",\"regionId\":\"SHA\","
		"\"serviceId\":\"%s\",\"status\":\"up\",\"url\":\"http://10.0.0.%u:8080/\",\"zoneId\":\"SHA-Z1\"}]}",
		id, id, id, id, service_id, id);

	return g_strdup_printf ("POST /api/registry/register.json HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
				"Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
				bench->port, strlen (body), body);
}

static gboolean
all_received (Bench *bench, gpointer user_data)
{
	guint want = GPOINTER_TO_UINT (user_data);

	for (guint i = 0; i < bench->subscribers->len; i++) {
		Subscriber *subscriber = g_ptr_array_index (bench->subscribers, i);

		if (subscriber->n_texts < want)
			return FALSE;
	}
	return TRUE;
}

/*
 * One register, timed from just before the request is written to each
 * subscriber's read of the push; appends one sample per subscriber and
 * returns the time until the last one had it.
 */
static double
one_change (Bench *bench, const char *service_id, GArray *samples)
{
	Subscriber *first = g_ptr_array_index (bench->subscribers, 0);
	guint want = first->n_texts + 1;
	g_autofree char *request = bench->floor == NULL ? register_request (bench, service_id) : NULL;
	g_autofree char *response = NULL;
	gint64 sent_us, last_us = 0;

	sent_us = now_us ();
	if (bench->floor != NULL)
		write_all (bench->floor->trigger[1], "x", 1);
	else
		write_all (bench->http_fd, request, strlen (request));
	run_until (bench, all_received, GUINT_TO_POINTER (want));
	for (guint i = 0; i < bench->subscribers->len; i++) {
		Subscriber *subscriber = g_ptr_array_index (bench->subscribers, i);
		double ms = (subscriber->last_text_us - sent_us) / 1000.0;

		if (subscriber->n_texts != want)
			die ("a subscriber got %u pushes for one change", subscriber->n_texts - want + 1);
		if (samples != NULL)
			g_array_append_val (samples, ms);
		last_us = MAX (last_us, subscriber->last_text_us);
	}
	if (bench->floor != NULL)
		return (last_us - sent_us) / 1000.0;
	response = read_http_response (bench->http_fd);
	if (!g_str_has_prefix (response, "HTTP/1.1 200") || strstr (response, "\"status\":\"success\"") == NULL)
		die ("register failed: %s", response);
	return (last_us - sent_us) / 1000.0;
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
	double x = *(const double *) a, y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted @values. */
static double
percentile (GArray *values, double p)
{
	gsize rank = (gsize) (p / 100.0 * values->len + 0.999999);

	rank = CLAMP (rank, 1, values->len);
	return g_array_index (values, double, rank - 1);
}

static void
close_subscribers (Bench *bench)
{
	g_ptr_array_set_size (bench->subscribers, 0);
}

/* Times @n_changes changes of @service_id on the open subscribers, after a warm-up. */
static LatencyResult
time_changes (Bench *bench, const char *service_id, guint n_warmup, guint n_changes)
{
	guint n_subscribers = bench->subscribers->len;
	g_autoptr (GArray) samples = g_array_sized_new (FALSE, FALSE, sizeof (double), n_changes * n_subscribers);
	g_autoptr (GArray) last = g_array_sized_new (FALSE, FALSE, sizeof (double), n_changes);
	LatencyResult result = { n_subscribers, n_changes };

	for (guint i = 0; i < n_warmup; i++)
		one_change (bench, service_id, NULL);
	for (guint i = 0; i < n_changes; i++) {
		double ms = one_change (bench, service_id, samples);

		g_array_append_val (last, ms);
	}
	g_array_sort (samples, compare_doubles);
	g_array_sort (last, compare_doubles);
	result.p50_ms = percentile (samples, 50);
	result.p99_ms = percentile (samples, 99);
	result.max_ms = g_array_index (samples, double, samples->len - 1);
	result.all_p50_ms = percentile (last, 50);
	result.all_p99_ms = percentile (last, 99);
	return result;
}

static LatencyResult
measure_latency (Bench *bench, guint n_subscribers, guint n_changes)
{
	g_autofree char *service_id = g_strdup_printf (SERVICE_ID ".%u", n_subscribers);
	LatencyResult result;

	open_subscribers (bench, n_subscribers, service_id);
	result = time_changes (bench, service_id, WARMUP_CHANGES, n_changes);
	close_subscribers (bench);
	return result;
}

/* ---- the floor --------------------------------------------------------- */

/* What artemisd pushes, in size: a 440-byte text frame. */
static GBytes *
floor_frame (void)
{
	guint8 *frame = g_malloc (4 + 440);

	frame[0] = 0x81;
	frame[1] = 126;
	frame[2] = 440 >> 8;
	frame[3] = 440 & 0xff;
	memset (frame + 4, 'x', 440);
	return g_bytes_new_take (frame, 4 + 440);
}

/*
 * In the child: one frame to every socket per trigger byte, and nothing
 * else — only system calls, as the parent may have other threads.
 */
static void G_GNUC_NORETURN
floor_loop (int trigger, GArray *fds, const guint8 *frame, gsize len)
{
	char command;

	while (read (trigger, &command, 1) == 1 && command != 0) {
		for (guint i = 0; i < fds->len; i++) {
			gsize sent = 0;

			while (sent < len) {
				ssize_t n = write (g_array_index (fds, int, i), frame + sent, len - sent);

				if (n < 0 && errno == EINTR)
					continue;
				if (n <= 0)
					_exit (1);
				sent += n;
			}
		}
	}
	_exit (0);
}

static int
listen_loopback (guint *port)
{
	struct sockaddr_in address = { 0 };
	socklen_t len = sizeof address;
	int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	address.sin_family = AF_INET;
	address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
	if (fd < 0 || bind (fd, (struct sockaddr *) &address, sizeof address) != 0 || listen (fd, 4096) != 0 ||
	    getsockname (fd, (struct sockaddr *) &address, &len) != 0)
		die ("cannot listen: %s", g_strerror (errno));
	*port = ntohs (address.sin_port);
	return fd;
}

/* @n sockets to the floor process, read like subscribers. */
static void
floor_start (Bench *bench, guint n)
{
	Floor *floor = g_new0 (Floor, 1);
	g_autoptr (GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
	g_autoptr (GBytes) frame = floor_frame ();
	guint port;
	int listen_fd = listen_loopback (&port);
	int one = 1;

	for (guint i = 0; i < n; i++) {
		Subscriber *subscriber = g_new0 (Subscriber, 1);
		struct epoll_event event = { .events = EPOLLIN, .data.ptr = subscriber };
		int fd;

		subscriber->fd = connect_loopback (port);
		subscriber->in = g_byte_array_new ();
		g_unix_set_fd_nonblocking (subscriber->fd, TRUE, NULL);
		epoll_ctl (bench->epoll_fd, EPOLL_CTL_ADD, subscriber->fd, &event);
		g_ptr_array_add (bench->subscribers, subscriber);
		fd = accept4 (listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			die ("accept: %s", g_strerror (errno));
		setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		g_array_append_val (fds, fd);
	}
	close (listen_fd);
	if (!g_unix_open_pipe (floor->trigger, FD_CLOEXEC, NULL))
		die ("pipe: %s", g_strerror (errno));
	floor->pid = fork ();
	if (floor->pid < 0)
		die ("fork: %s", g_strerror (errno));
	if (floor->pid == 0)
		floor_loop (floor->trigger[0], fds, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame));
	/* The parent keeps only the reading ends. */
	for (guint i = 0; i < fds->len; i++)
		close (g_array_index (fds, int, i));
	bench->floor = floor;
}

static void
floor_stop (Bench *bench)
{
	Floor *floor = g_steal_pointer (&bench->floor);

	write_all (floor->trigger[1], "", 1);
	waitpid (floor->pid, NULL, 0);
	close (floor->trigger[0]);
	close (floor->trigger[1]);
	g_free (floor);
	close_subscribers (bench);
}

static LatencyResult
measure_floor (Bench *bench, guint n_subscribers, guint n_changes)
{
	LatencyResult result;

	floor_start (bench, n_subscribers);
	result = time_changes (bench, NULL, WARMUP_CHANGES, n_changes);
	floor_stop (bench);
	return result;
}

/* ---- setup and report -------------------------------------------------- */

static void
raise_fd_limit (void)
{
	struct rlimit limit;

	/* artemisd inherits it, so both ends of every socket fit. */
	if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
		limit.rlim_cur = limit.rlim_max;
		setrlimit (RLIMIT_NOFILE, &limit);
	}
}

static guint
fd_limit (void)
{
	struct rlimit limit;

	return getrlimit (RLIMIT_NOFILE, &limit) == 0 ? (guint) MIN (limit.rlim_cur, G_MAXUINT) : 1024;
}

static char *
machine_description (void)
{
	g_autofree char *cpuinfo = NULL;
	g_autofree char *model = g_strdup ("unknown CPU");
	struct utsname uts;
	const char *line;

	if (g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL) &&
	    (line = strstr (cpuinfo, "model name")) != NULL && (line = strchr (line, ':')) != NULL) {
		g_free (model);
		model = g_strndup (line + 2, strcspn (line + 2, "\n"));
	}
	uname (&uts);
	return g_strdup_printf ("%s, %u CPUs, Linux %s", model, g_get_num_processors (), uts.release);
}

static Bench *
bench_new (Daemon *daemon)
{
	Bench *bench = g_new0 (Bench, 1);

	bench->port = daemon->port;
	bench->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
	bench->subscribers = g_ptr_array_new_with_free_func ((GDestroyNotify) subscriber_free);
	bench->http_fd = connect_loopback (daemon->port);
	return bench;
}

static void
bench_free (Bench *bench)
{
	g_ptr_array_unref (bench->subscribers);
	close (bench->http_fd);
	close (bench->epoll_fd);
	g_free (bench);
}

int
main (int argc, char **argv)
{
	g_autofree char *artemisd = NULL;
	g_autofree char *subscriber_list = NULL;
	g_autofree char *json_path = NULL;
	int n_changes = 2000;
	int n_idle = 10000;
	GOptionEntry entries[] = {
		{ "artemisd", 0, 0, G_OPTION_ARG_FILENAME, &artemisd, "The artemisd to measure", "PATH" },
		{ "changes", 0, 0, G_OPTION_ARG_INT, &n_changes, "Changes timed per run (2000)", "N" },
		{ "subscribers", 0, 0, G_OPTION_ARG_STRING, &subscriber_list, "Runs (1,100,1000)", "N,N…" },
		{ "idle", 0, 0, G_OPTION_ARG_INT, &n_idle, "Idle subscribers held (10000; 0 skips)", "N" },
		{ "json", 0, 0, G_OPTION_ARG_FILENAME, &json_path, "Also write the results here", "FILE" },
		{ NULL },
	};
	g_autoptr (GOptionContext) context = g_option_context_new ("— WebSocket push benchmark");
	g_autoptr (GError) error = NULL;
	g_auto (GStrv) runs = NULL;
	g_autoptr (GString) json = g_string_new ("{");
	g_autofree char *machine = machine_description ();
	Daemon *daemon;
	Bench *bench;

	g_option_context_add_main_entries (context, entries, NULL);
	if (!g_option_context_parse (context, &argc, &argv, &error))
		die ("%s", error->message);
	if (artemisd == NULL)
		die ("--artemisd is required");
	runs = g_strsplit (subscriber_list != NULL ? subscriber_list : "1,100,1000", ",", -1);
	signal (SIGPIPE, SIG_IGN);
	raise_fd_limit ();
	if (fd_limit () < (guint) n_idle + 512)
		die ("RLIMIT_NOFILE is %u: too low for %d idle subscribers", fd_limit (), n_idle);

	printf ("machine: %s\nchanges per run: %d (after %d warm-up)\n\n", machine, n_changes, WARMUP_CHANGES);
	g_string_append_printf (json, "\"machine\":\"%s\",\"changes\":%d,\"latency\":[", machine, n_changes);
	printf ("| subscribers | p50 ms | p99 ms | max ms | all received p50 ms | all received p99 ms "
		"| floor p50 ms | floor p99 ms |\n"
		"|---:|---:|---:|---:|---:|---:|---:|---:|\n");

	daemon = daemon_start (artemisd);
	bench = bench_new (daemon);
	for (guint i = 0; runs[i] != NULL; i++) {
		guint n = g_ascii_strtoull (runs[i], NULL, 10);
		LatencyResult r = measure_latency (bench, n, n_changes);
		LatencyResult f = measure_floor (bench, n, n_changes);

		printf ("| %u | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", r.subscribers, r.p50_ms, r.p99_ms,
			r.max_ms, r.all_p50_ms, r.all_p99_ms, f.p50_ms, f.p99_ms);
		fflush (stdout);
		g_string_append_printf (json,
					"%s{\"subscribers\":%u,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"max_ms\":%.3f,"
					"\"all_p50_ms\":%.3f,\"all_p99_ms\":%.3f,\"floor_p50_ms\":%.3f,"
					"\"floor_p99_ms\":%.3f}",
					i > 0 ? "," : "", r.subscribers, r.p50_ms, r.p99_ms, r.max_ms, r.all_p50_ms,
					r.all_p99_ms, f.p50_ms, f.p99_ms);
	}
	g_string_append (json, "]");
	bench_free (bench);
	daemon_stop (daemon);

	if (n_idle > 0) {
		gsize before, after;
		LatencyResult r;

		/* A fresh daemon, so that the latency runs leave nothing in its heap. */
		daemon = daemon_start (artemisd);
		bench = bench_new (daemon);
		/* Its HTTP path (and allocator) warmed before the baseline. */
		for (guint i = 0; i < WARMUP_CHANGES; i++) {
			g_autofree char *request = register_request (bench, "idle.warmup");
			g_autofree char *response = NULL;

			write_all (bench->http_fd, request, strlen (request));
			response = read_http_response (bench->http_fd);
		}
		before = daemon_rss (daemon);
		open_subscribers (bench, n_idle, SERVICE_ID ".idle");
		after = daemon_rss (daemon);
		printf ("\nidle subscribers: %d held; artemisd RSS %.1f MB before, %.1f MB after: %.0f bytes per socket\n",
			n_idle, before / 1e6, after / 1e6, (double) (after - before) / n_idle);
		/* And while they are all there, a few changes to every one of them. */
		r = time_changes (bench, SERVICE_ID ".idle", 0, IDLE_CHANGES);
		printf ("%u changes to all %d: per subscriber p50 %.3f ms, p99 %.3f ms; all received p50 %.3f ms, "
			"p99 %.3f ms\n",
			IDLE_CHANGES, n_idle, r.p50_ms, r.p99_ms, r.all_p50_ms, r.all_p99_ms);
		g_string_append_printf (json,
					",\"idle\":{\"subscribers\":%d,\"rss_before\":%" G_GSIZE_FORMAT
					",\"rss_after\":%" G_GSIZE_FORMAT ",\"bytes_per_socket\":%.0f,"
					"\"changes\":%u,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"all_p50_ms\":%.3f,"
					"\"all_p99_ms\":%.3f}",
					n_idle, before, after, (double) (after - before) / n_idle, IDLE_CHANGES,
					r.p50_ms, r.p99_ms, r.all_p50_ms, r.all_p99_ms);
		bench_free (bench);
		daemon_stop (daemon);
	}
	g_string_append (json, "}\n");
	if (json_path != NULL && !g_file_set_contents (json_path, json->str, -1, &error))
		die ("%s", error->message);
	return 0;
}
