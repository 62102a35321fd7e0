/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

#include "artemis-storage.h"

G_BEGIN_DECLS

/**
 * ArtemisTestNode:
 * @dir: a private data directory, removed with the node.
 * @i1: instance x-1 of demo.hello (region SHA, zone Z1), registered.
 * @changes: every change pushed, as "type instance-id ".
 * @prepared: how many writes the helpers below prepared.
 *
 * The management half of a node, without HTTP: configuration (region
 * SHA, zone Z1), registry, change log, management state, and its store
 * once artemis_test_node_open() opened one. Usable as a g_test_add()
 * fixture through artemis_test_node_set_up() and _tear_down().
 */
typedef struct {
	char *dir;
	ArtemisConfig *config;
	ArtemisNode *node;
	ArtemisChangeLog *log;
	ArtemisRegistry *registry;
	ArtemisManagement *management;
	ArtemisStorage *storage;
	ArtemisInstance *i1;
	GString *changes;
	guint prepared;
} ArtemisTestNode;

void artemis_test_node_set_up (ArtemisTestNode *node, gconstpointer unused);
/* As the daemon stops: the write queue lets go of the store, which closes; then everything goes. */
void artemis_test_node_tear_down (ArtemisTestNode *node, gconstpointer unused);
/* Opens @backend as the node's store (asserting that it opens) and commits through it. */
void artemis_test_node_open (ArtemisTestNode *node, ArtemisStorageBackend *backend);
/* Whether x-1 is out of traffic. */
gboolean artemis_test_node_is_down (ArtemisTestNode *node);

/* A write through the node's write queue, and how it ended. */
typedef struct {
	gboolean done;
	gboolean ok;
	GError *error;
} ArtemisTestWrite;

/* Commits @writes (referenced) through the write queue, as they are. */
void artemis_test_node_submit (ArtemisTestNode *node, GPtrArray *writes, ArtemisTestWrite *written);
/* The writes of pulling x-1 out (or, @complete, back in), as operate-instance makes them. */
GPtrArray *artemis_test_node_pull_out (ArtemisTestNode *node, gboolean complete);
/* insert-groups of @names (;-separated) of demo.hello in SHA/Z1, submitted as the group endpoint does. */
void artemis_test_node_insert_groups (ArtemisTestNode *node, const char *names, ArtemisTestWrite *written);
/* The id of the group @name of demo.hello in SHA/Z1 the node holds, or 0. */
gint64 artemis_test_node_get_group_id (ArtemisTestNode *node, const char *name);
/* "id:name " of every group the node holds, by id. */
char *artemis_test_node_list_groups (ArtemisTestNode *node);

/* Iterates the default main context until @written is done; FALSE after 10 s. */
gboolean artemis_test_write_wait (ArtemisTestWrite *written);

G_END_DECLS
