/* fuzz-rich.h: checks of rich content, quick replies, hosted files and file URLs for the
 * fuzz target
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-protocol.h"

/* A parsed change's rich content, quick replies, file and metadata. */
void fuzz_check_rich_change (const ConfabMessagingChange *change);
/* Any JSON (root, parsed from data, which may be NULL) through every parser of rich
 * messaging. */
void fuzz_check_rich_json   (JsonNode   *root,
                             const char *data,
                             gsize       size);
/* A frame's body through fuzz_check_rich_json(), the frame as the answer to GenerateURL,
 * and its top-level metadata. */
void fuzz_check_rich_frame  (const ConfabFrame *frame);
