/* SPDX-License-Identifier: MIT */
/*
 * The default data shipped inside exemplard: the files under daemon/data/, turned
 * into byte arrays by daemon/CMakeLists.txt at build time (NUL-terminated;
 * the _LEN excludes the NUL).
 */
#ifndef EXEMPLAR_EMBEDDED_H
#define EXEMPLAR_EMBEDDED_H

#include <stddef.h>

extern const char EMBED_provinces_2021[];
extern const size_t EMBED_provinces_2021_LEN;
extern const char EMBED_ministry_units_2021[];
extern const size_t EMBED_ministry_units_2021_LEN;
extern const char EMBED_ministry_units_2022_11_01[];
extern const size_t EMBED_ministry_units_2022_11_01_LEN;
extern const char EMBED_provinces_2025_01_01[];
extern const size_t EMBED_provinces_2025_01_01_LEN;
extern const char EMBED_ministry_units_2025_03_01[];
extern const size_t EMBED_ministry_units_2025_03_01_LEN;
extern const char EMBED_provinces_2025_07_01[];
extern const size_t EMBED_provinces_2025_07_01_LEN;
extern const char EMBED_unit_addressees[];
extern const size_t EMBED_unit_addressees_LEN;
extern const char EMBED_campaign_2021_2025[];
extern const size_t EMBED_campaign_2021_2025_LEN;
extern const char EMBED_campaign_demo[];
extern const size_t EMBED_campaign_demo_LEN;
extern const char EMBED_rulesets[];
extern const size_t EMBED_rulesets_LEN;
extern const char EMBED_holidays_vn[];
extern const size_t EMBED_holidays_vn_LEN;

#endif
