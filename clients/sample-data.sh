#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Sample data for the quarterly summary: starts its own exemplard
# in a temporary directory and walks 36 nominations of six units of the
# shipped 2021-2025 campaign through the plan's calendar, restarting the
# daemon with successive `[rules] today` values (2021 registration and
# plans, 2022 fostering and the 2021 titles, 2023 the 2022 titles, unit and
# ministry reviews and recognitions), then writes the summary of 2023Q3 and
# the interim review report of 2021-2023 in all four formats.
#
#   clients/sample-data.sh [BUILD_DIR [OUT_DIR [QUARTER]]]
#
# BUILD_DIR defaults to build, OUT_DIR to ./summary-sample, QUARTER to 2023Q3.
set -euo pipefail

build=${1:-build}
out=${2:-summary-sample}
quarter=${3:-2023Q3}
exemplard=$build/daemon/exemplard
ctl=$build/clients/ctl/exemplarctl
tmp=$(mktemp -d)
daemon=
stop() {
    if [ -n "$daemon" ]; then
        kill -TERM "$daemon" 2>/dev/null || true
        wait "$daemon" 2>/dev/null || true
        daemon=
    fi
}
trap 'stop; rm -rf "$tmp"' EXIT
export EXEMPLAR_API=ipc://$tmp/api.sock

# start DAY: the daemon judging every request on DAY
start() {
    stop
    printf '[daemon]\nstate_dir = %s/state\nruntime_dir = %s\n[api]\nendpoint = %s\n[rules]\ntoday = %s\n' \
        "$tmp" "$tmp" "$EXEMPLAR_API" "$1" >"$tmp/exemplard.conf"
    "$exemplard" --config "$tmp/exemplard.conf" --log-level warning &
    daemon=$!
    "$ctl" ping --wait 10 >/dev/null
}

units=(01 79 48 31 B.KHCN B.HTQT)
names=("Nguyễn Văn An" "Trần Thị Bình" "Lê Hoàng Cường" "Phạm Thu Dung" "Hoàng Minh Đức"
       "Vũ Thị Hà" "Đặng Quốc Hùng" "Bùi Thị Lan" "Đỗ Văn Minh" "Ngô Thị Ngọc" "Dương Văn Phúc"
       "Lý Thị Quỳnh")
ids=()
subjects=()
kinds=()

start 2021-08-16
n=0
for u in "${units[@]}"; do
    for k in 0 1 2 3 4 5; do
        if [ $((k % 3)) -eq 0 ]; then
            kind=collective subject="$u:TT-$k" name="Phòng Tài nguyên số $((k + 1)) ($u)"
        else
            kind=individual subject="CB-$u-$k" name="${names[$((n % ${#names[@]}))]}"
        fi
        id=$("$ctl" register --unit "$u" --kind "$kind" --name "$name" --subject "$subject" \
            --campaign 2021-2025)
        ids+=("$id")
        subjects+=("$subject")
        kinds+=("$kind")
        n=$((n + 1))
    done
done
# Four units send their plan by the deadline (15 Sep 2021); 31 and B.HTQT do not.
for u in 01 79 48 B.KHCN; do
    "$ctl" plan submit "$u" --period 2021-2023 --collective 2 --individual 4 \
        --solutions "Phát động phong trào thi đua, phát hiện và bồi dưỡng điển hình" \
        --decision "12/KH-$u" --decision-date 2021-09-01 >/dev/null
done

# evidence YEAR SIGNED: the titles of YEAR for most subjects, on decisions
# signed on SIGNED, recorded by a daemon whose day is after both (a title is
# recorded once its year has ended and its decision exists).
evidence() {
    for i in "${!ids[@]}"; do
        [ $((i % 12)) -eq 11 ] && continue
        [ $((i % 7)) -eq 6 ] && continue # these lack evidence and stay in fostering
        if [ "${kinds[$i]}" = collective ]; then
            titles=(TTLDXS)
        else
            titles=(HTXSNV CSTDCS)
        fi
        for t in "${titles[@]}"; do
            "$ctl" evidence add "${subjects[$i]}" "$1" "$t" --decision "$((i + 1))$1/QĐ-$t" \
                --decision-date "$2" --issuer "Thủ trưởng đơn vị" >/dev/null
        done
    done
}

start 2022-03-01
for i in "${!ids[@]}"; do
    if [ $((i % 12)) -eq 11 ]; then
        "$ctl" move "${ids[$i]}" withdrawn --reason "Chuyển công tác" >/dev/null
    else
        "$ctl" move "${ids[$i]}" fostering >/dev/null
    fi
done
# The titles of 2021, decided in January 2022.
evidence 2021 2022-01-20

# The titles of 2022, decided in January 2023.  Those of 2023 are decided
# only in early 2024 (rulesets.yaml, decided_by): the reviews of 2023 see
# that year as pending, not missing.
start 2023-02-01
evidence 2022 2023-01-20

start 2023-05-15
for i in "${!ids[@]}"; do
    [ $((i % 12)) -eq 11 ] && continue
    [ $((i % 7)) -eq 6 ] && continue
    # the collective acclaimed it at the unit's review meeting, which the
    # rule set requires first (rulesets.yaml `acclamation`)
    "$ctl" acclaim "${ids[$i]}" --date 2023-05-12 --present 20 --in-favour $((12 + i % 8)) >/dev/null
    "$ctl" move "${ids[$i]}" unit-reviewed >/dev/null
done

# Quarter III of 2023: ministry review and the first recognitions.
start 2023-07-20
for i in "${!ids[@]}"; do
    [ $((i % 12)) -eq 11 ] && continue
    [ $((i % 7)) -eq 6 ] && continue
    [ $((i % 5)) -eq 4 ] && continue # these wait at unit-reviewed
    "$ctl" move "${ids[$i]}" ministry-reviewed >/dev/null
done

start 2023-08-25
for i in "${!ids[@]}"; do
    [ $((i % 12)) -eq 11 ] && continue
    [ $((i % 7)) -eq 6 ] && continue
    [ $((i % 5)) -eq 4 ] && continue
    if [ $((i % 6)) -eq 0 ] || [ $((i % 4)) -eq 1 ]; then
        "$ctl" move "${ids[$i]}" recognized --decision 2468/QĐ-BTNMT --decision-date 2023-08-25 \
            --issuer "Bộ trưởng Bộ Tài nguyên và Môi trường" >/dev/null
    fi
done
# A title revoked after the review leaves a gap in the evidence.
"$ctl" evidence revoke "${subjects[10]}" 2022 CSTDCS --decision 77/QĐ-THUHOI \
    --decision-date 2023-08-25 --issuer "Thủ trưởng đơn vị" >/dev/null

# Later moves (Q4) do not change the summary of Q3.
start 2023-11-10
"$ctl" move "${ids[2]}" not-selected --reason "Không đủ tiêu chuẩn" >/dev/null || true

mkdir -p "$out"
"$ctl" summary "$quarter"
"$ctl" summary "$quarter" --format all --output "$out"
# The interim review report of 2021-2023 (báo cáo sơ kết) beside it.
"$ctl" report interim 2021-2023 --format all --output "$out"
