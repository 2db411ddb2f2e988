/* confab-protocol.h: everything in src/protocol
 *
 * Copyright 2026 The Confab developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "confab-json.h"
#include "confab-names.h"
#include "confab-frame.h"
#include "confab-metadata.h"
#include "confab-rich.h"
#include "confab-files.h"
#include "confab-events.h"
#include "confab-conversation.h"
#include "confab-requests.h"
#include "confab-jwt.h"
