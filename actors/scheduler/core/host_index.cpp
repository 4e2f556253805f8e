#include "actors/scheduler/core/host_index.hpp"

#include <algorithm>
#include <bit>

namespace strato::scheduler {

namespace {

uint64_t splitmix(uint64_t& state) {
  auto z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint32_t cell_key(uint32_t row, uint32_t col) {
  return row * vcpu_columns + col;
}

uint32_t row_of(int64_t ram) {
  return std::min(capacity_bucket(ram), ram_rows - 1);
}

uint32_t col_of(int64_t vcpu) {
  return std::min(capacity_bucket(vcpu), vcpu_columns - 1);
}

void set_bit(std::array<uint64_t, 2>& bits, uint32_t i) {
  bits[i / 64] |= uint64_t{1} << (i % 64);
}

void clear_bit(std::array<uint64_t, 2>& bits, uint32_t i) {
  bits[i / 64] &= ~(uint64_t{1} << (i % 64));
}

/// Bits at positions >= `from`.
uint64_t from_bit(uint32_t from) {
  return from >= 64 ? 0 : ~uint64_t{0} << from;
}

} // namespace

uint32_t capacity_bucket(int64_t amount) noexcept {
  if (amount <= 0) {
    return 0;
  }
  auto v = static_cast<uint64_t>(amount);
  if (v < 8) {
    return static_cast<uint32_t>(v);
  }
  auto exp = static_cast<uint32_t>(std::bit_width(v) - 1);
  auto step = static_cast<uint32_t>((v >> (exp - 2)) & 3);
  return 4 * (exp - 1) + step;
}

size_t host_index::key_hash::operator()(const class_key& k) const noexcept {
  size_t h = (k.up ? 1 : 0) | (k.enabled ? 2 : 0);
  auto mix = [&h](uint64_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  for (auto* ids : {&k.traits, &k.aggregates, &k.resource_classes}) {
    mix(ids->size());
    for (auto id : *ids) {
      mix(id);
    }
  }
  return h;
}

uint32_t host_index::class_for(const class_key& key) {
  if (auto it = by_key_.find(key); it != by_key_.end()) {
    return it->second;
  }
  auto id = static_cast<uint32_t>(classes_.size());
  classes_.push_back({key, {}, {}, 0});
  grids_.emplace_back();
  by_key_.emplace(key, id);
  return id;
}

void host_index::place(uint32_t host, uint32_t cls, int64_t free_ram_mb,
                       int64_t free_vcpu) {
  if (host >= slots_.size()) {
    slots_.resize(host + 1);
  }
  auto row = row_of(free_ram_mb);
  auto col = col_of(free_vcpu);
  auto key = cell_key(row, col);
  if (slots_[host].cls == cls && slots_[host].cell == key) {
    return;
  }
  remove(host);
  auto& g = grids_[cls];
  auto& cell = g.cells[key];
  slots_[host] = {cls, key, static_cast<uint32_t>(cell.size())};
  cell.push_back(host);
  if (g.row_columns.size() <= row) {
    g.row_columns.resize(row + 1, 0);
  }
  g.row_columns[row] |= uint64_t{1} << col;
  set_bit(g.rows, row);
  ++classes_[cls].hosts;
}

void host_index::remove(uint32_t host) {
  if (host >= slots_.size() || slots_[host].cls == no_id) {
    return;
  }
  auto [cls, key, pos] = slots_[host];
  auto& g = grids_[cls];
  auto& cell = g.cells[key];
  cell[pos] = cell.back();
  slots_[cell[pos]].pos = pos;
  cell.pop_back();
  if (cell.empty()) {
    auto row = key / vcpu_columns;
    g.row_columns[row] &= ~(uint64_t{1} << (key % vcpu_columns));
    if (g.row_columns[row] == 0) {
      clear_bit(g.rows, row);
    }
  }
  slots_[host] = {};
  --classes_[cls].hosts;
}

host_index::cursor::cursor(const host_index& index, std::span<const uint32_t> classes,
                           const scan_params& params)
  : index_(&index), classes_(classes), params_(params),
    col_mask_(from_bit(col_of(params.vcpu))), rng_(params.seed) {
  auto min_row = row_of(params.ram_mb);
  for (auto cls : classes_) {
    const auto& rows = index.grids_[cls].rows;
    rows_[0] |= rows[0];
    rows_[1] |= rows[1];
  }
  rows_[0] &= from_bit(min_row);
  rows_[1] &= min_row < 64 ? ~uint64_t{0} : from_bit(min_row - 64);
  class_pos_ = classes_.size();
}

bool host_index::cursor::next_row() {
  if (rows_[0] == 0 && rows_[1] == 0) {
    return false;
  }
  if (params_.most_free_ram_first) {
    row_ = rows_[1] != 0 ? 127 - static_cast<uint32_t>(std::countl_zero(rows_[1]))
                         : 63 - static_cast<uint32_t>(std::countl_zero(rows_[0]));
  } else {
    row_ = rows_[0] != 0 ? static_cast<uint32_t>(std::countr_zero(rows_[0]))
                         : 64 + static_cast<uint32_t>(std::countr_zero(rows_[1]));
  }
  clear_bit(rows_, row_);
  class_pos_ = 0;
  return true;
}

bool host_index::cursor::next_class_in_row() {
  for (; class_pos_ < classes_.size(); ++class_pos_) {
    const auto& g = index_->grids_[classes_[class_pos_]];
    cols_ = row_ < g.row_columns.size() ? g.row_columns[row_] & col_mask_ : 0;
    if (cols_ != 0) {
      return true;
    }
  }
  return false;
}

void host_index::cursor::open_next_cell() {
  uint32_t col = params_.most_free_vcpu_first
                   ? 63 - static_cast<uint32_t>(std::countl_zero(cols_))
                   : static_cast<uint32_t>(std::countr_zero(cols_));
  cols_ &= ~(uint64_t{1} << col);
  const auto& g = index_->grids_[classes_[class_pos_]];
  cell_ = &g.cells.find(cell_key(row_, col))->second;
  cell_start_ = splitmix(rng_) % cell_->size();
  cell_done_ = 0;
  if (cols_ == 0) {
    ++class_pos_;
  }
}

uint32_t host_index::cursor::next() {
  while (true) {
    if (cell_ != nullptr && cell_done_ < cell_->size()) {
      auto i = (cell_start_ + cell_done_++) % cell_->size();
      return (*cell_)[i];
    }
    cell_ = nullptr;
    if (cols_ != 0) {
      open_next_cell();
      continue;
    }
    if (next_class_in_row()) {
      continue;
    }
    if (!next_row()) {
      return no_id;
    }
  }
}

} // namespace strato::scheduler
