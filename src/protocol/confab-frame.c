/* confab-frame.c: the frames of LivePerson's consumer messaging protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "confab-frame.h"
#include "confab-protocol-private.h"

/* ------------------------------------------------------------------------------------------ */
/* Frames                                                                                     */
/* ------------------------------------------------------------------------------------------ */

static char *
id_from_node (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return confab_json_node_dup_string (node);
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (!isfinite (d))
        return NULL;
      /* 17.0 is the id "17" */
      if (d == floor (d) && d >= -9007199254740992.0 && d <= 9007199254740992.0)
        return g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) d);
      return g_strdup (g_ascii_dtostr (buf, sizeof buf, d));
    }
  return NULL;
}

/**
 * confab_frame_parse:
 * @data: the text of one WebSocket frame
 * @length: its length in bytes, or -1 when NUL-terminated
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * Parses a frame. An unknown or missing kind is not an error (the kind is then
 * %CONFAB_FRAME_KIND_UNKNOWN); text over the size or depth limits, text that is not
 * UTF-8 or not JSON, and JSON that is not an object are.
 *
 * Returns: (transfer full) (nullable): the frame
 */
static ConfabFrame *frame_parse (const char *data, gssize length, gboolean known_utf8, GError **error);

ConfabFrame *
confab_frame_parse (const char *data,
                    gssize      length,
                    GError    **error)
{
  return frame_parse (data, length, FALSE, error);
}

/**
 * confab_frame_parse_text_frame:
 * @data: the text of one WebSocket text frame, as libsoup delivers it
 * @length: its length in bytes
 * @error: return location for a #CONFAB_PROTOCOL_ERROR
 *
 * confab_frame_parse() without checking UTF-8 again: libsoup has checked a text frame before
 * delivering it (a frame that is not UTF-8 closes the socket, RFC 6455 section 8.1).
 *
 * Returns: (transfer full) (nullable): the frame
 */
ConfabFrame *
confab_frame_parse_text_frame (const char *data,
                               gsize       length,
                               GError    **error)
{
  return frame_parse (data, (gssize) length, TRUE, error);
}

static ConfabFrame *
frame_parse (const char *data,
             gssize      length,
             gboolean    known_utf8,
             GError    **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(ConfabFrame) frame = NULL;
  JsonObject *object;
  JsonNode *id_node = NULL;
  JsonNode *body;
  gint64 code;

  g_return_val_if_fail (data != NULL || length <= 0, NULL);

  if (data == NULL)
    data = "";
  if (length < 0)
    length = (gssize) strlen (data);

  root = known_utf8 ? _confab_json_parse_utf8 (data, (gsize) length, error)
                    : confab_json_parse (data, (gsize) length, error);
  if (root == NULL)
    {
      g_prefix_error (error, _("Invalid frame: "));
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                           _("Invalid frame: not a JSON object"));
      return NULL;
    }
  object = json_node_get_object (root);

  frame = g_new0 (ConfabFrame, 1);

  frame->kind = confab_frame_kind_from_string (confab_json_get_string (object, "kind"));

  /* A response names its request in reqId; take the other name when only that one is there. */
  if (frame->kind == CONFAB_FRAME_KIND_RESPONSE)
    {
      id_node = confab_json_get_node (object, "reqId");
      if (id_node == NULL)
        id_node = confab_json_get_node (object, "id");
    }
  else
    {
      id_node = confab_json_get_node (object, "id");
      if (id_node == NULL)
        id_node = confab_json_get_node (object, "reqId");
    }
  frame->id = id_from_node (id_node);

  frame->type = confab_json_dup_string (object, "type");

  if (confab_json_lookup_int_lenient (object, "code", &code) && code >= G_MININT && code <= G_MAXINT)
    frame->code = (int) code;

  /* The body is taken from the tree, not copied: a long message's text is copied once less. */
  body = confab_json_get_node (object, "body");
  if (body != NULL)
    {
      frame->body = json_node_ref (body);
      json_object_remove_member (object, "body");
      json_node_set_parent (frame->body, NULL);
    }

  frame->metadata = _confab_json_dup_array (object, "metadata");

  return g_steal_pointer (&frame);
}

void
confab_frame_free (ConfabFrame *frame)
{
  if (frame == NULL)
    return;

  g_free (frame->id);
  g_free (frame->type);
  g_clear_pointer (&frame->body, json_node_unref);
  g_clear_pointer (&frame->metadata, json_node_unref);
  g_free (frame);
}

const char *
confab_frame_get_body_string (const ConfabFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  return confab_json_node_get_string (frame->body);
}

JsonObject *
confab_frame_get_body_object (const ConfabFrame *frame)
{
  g_return_val_if_fail (frame != NULL, NULL);

  if (frame->body == NULL || !JSON_NODE_HOLDS_OBJECT (frame->body))
    return NULL;
  return json_node_get_object (frame->body);
}

/* id_name NULL: no id member; id NULL with an id_name: the id member is null */
static char *
build_frame (ConfabFrameKind kind,
             const char     *id_name,
             const char     *id,
             gboolean        with_code,
             int             code,
             const char     *type,
             JsonNode       *body,
             JsonNode       *metadata)
{
  GString *out = g_string_sized_new (128);

  g_string_append (out, "{\"kind\":");
  confab_json_write_string (out, confab_frame_kind_to_string (kind));
  if (id_name != NULL)
    {
      g_string_append_c (out, ',');
      confab_json_write_string (out, id_name);
      g_string_append_c (out, ':');
      if (id != NULL)
        confab_json_write_string (out, id);
      else
        g_string_append (out, "null");
    }
  if (with_code)
    g_string_append_printf (out, ",\"code\":%d", code);
  if (type != NULL)
    {
      g_string_append (out, ",\"type\":");
      confab_json_write_string (out, type);
    }
  if (body != NULL)
    {
      g_string_append (out, ",\"body\":");
      confab_json_write (out, body);
    }
  if (metadata != NULL)
    {
      g_string_append (out, ",\"metadata\":");
      confab_json_write (out, metadata);
    }
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/**
 * confab_frame_build_request:
 * @id: the request id, unique per socket
 * @type: a CONFAB_REQ_* type
 * @body: (nullable) (transfer none): the body, or %NULL for none
 *
 * Returns: (transfer full): `{"kind":"req","id":…,"type":…,"body":…}`, compact
 */
char *
confab_frame_build_request (const char *id,
                            const char *type,
                            JsonNode   *body)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  return build_frame (CONFAB_FRAME_KIND_REQUEST, "id", id, FALSE, 0, type, body, NULL);
}

/**
 * confab_frame_build_request_full:
 * @id: the request id, unique per socket
 * @type: a CONFAB_REQ_* type
 * @body: (nullable) (transfer none): the body, or %NULL for none
 * @metadata: (nullable) (transfer none): the request's metadata, an array (such as the
 *   click metadata of an ACTION receipt), or %NULL for none
 *
 * Returns: (transfer full): `{"kind":"req","id":…,"type":…,"body":…,"metadata":[…]}`
 */
char *
confab_frame_build_request_full (const char *id,
                                 const char *type,
                                 JsonNode   *body,
                                 JsonNode   *metadata)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (metadata == NULL || JSON_NODE_HOLDS_ARRAY (metadata), NULL);

  return build_frame (CONFAB_FRAME_KIND_REQUEST, "id", id, FALSE, 0, type, body, metadata);
}

/**
 * confab_frame_build_response:
 * @req_id: (nullable): the id of the request answered, or %NULL when it could not be read
 * @code: an HTTP-like status code
 * @type: (nullable): the response type
 * @body: (nullable) (transfer none): the body
 *
 * Returns: (transfer full): `{"kind":"resp","reqId":…,"code":…,"type":…,"body":…}`,
 *   with `"reqId":null` when @req_id is %NULL
 */
char *
confab_frame_build_response (const char *req_id,
                             int         code,
                             const char *type,
                             JsonNode   *body)
{
  return build_frame (CONFAB_FRAME_KIND_RESPONSE, "reqId", req_id, TRUE, code, type, body, NULL);
}

/**
 * confab_frame_build_notification:
 * @type: a CONFAB_NOTIFY_* type
 * @body: (nullable) (transfer none): the body
 *
 * Returns: (transfer full): `{"kind":"notification","type":…,"body":…}`
 */
char *
confab_frame_build_notification (const char *type,
                                 JsonNode   *body)
{
  g_return_val_if_fail (type != NULL, NULL);

  return build_frame (CONFAB_FRAME_KIND_NOTIFICATION, NULL, NULL, FALSE, 0, type, body, NULL);
}

JsonNode *
_confab_json_dup_array (JsonObject *object,
                        const char *name)
{
  JsonNode *node = confab_json_get_node (object, name);
  JsonArray *array;

  if (node == NULL)
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (node))
    return json_node_copy (node);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  array = json_array_sized_new (1);
  json_array_add_element (array, json_node_copy (node));
  return json_node_init_array (json_node_alloc (), array);
}

GPtrArray *
_confab_parse_changes (JsonNode       *body,
                       const char     *what,
                       gpointer      (*parse) (JsonNode *node),
                       GDestroyNotify  free_func,
                       GError        **error)
{
  g_autoptr(GPtrArray) changes = NULL;
  ConfabJsonList list;
  guint len;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    {
      g_set_error (error, CONFAB_PROTOCOL_ERROR, CONFAB_PROTOCOL_ERROR_MALFORMED,
                   /* Translators: %s names a notification, as "Messaging notification" */
                   _("%s without an object body"), what);
      return NULL;
    }

  len = confab_json_list_init (&list, json_node_get_object (body), "changes");
  changes = g_ptr_array_new_full (len, free_func);
  for (guint i = 0; i < len; i++)
    {
      gpointer change = parse (confab_json_list_get (&list, i));

      if (change != NULL)
        g_ptr_array_add (changes, change);
    }

  return g_steal_pointer (&changes);
}

JsonNode *
confab_notification_body_to_json (const char *subscription_id,
                                  GPtrArray  *changes)
{
  JsonObject *object = json_object_new ();
  JsonArray *array = json_array_sized_new (changes != NULL ? changes->len : 0);
  JsonNode *node;

  if (subscription_id != NULL)
    json_object_set_string_member (object, "subscriptionId", subscription_id);
  for (guint i = 0; changes != NULL && i < changes->len; i++)
    json_array_add_element (array, json_node_ref (g_ptr_array_index (changes, i)));
  json_object_set_array_member (object, "changes", array);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, object);
  return node;
}
