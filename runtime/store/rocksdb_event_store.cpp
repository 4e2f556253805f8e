#include "runtime/store/rocksdb_event_store.hpp"

#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/cache.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "runtime/store/keys.hpp"
#include "runtime/store/log_fanout.hpp"
#include "runtime/store/record_codec.hpp"

namespace strato::store {

namespace {

using namespace internal;

enum cf_index : size_t { cf_default, cf_events, cf_log, cf_streams,
                         cf_snapshots, cf_projections, cf_meta, cf_count };

constexpr const char* cf_names[cf_count] = {
  "default", "events", "log", "streams", "snapshots", "projections", "meta"};

constexpr size_t max_cached_stream_heads = 1 << 20;

status from_status(const rocksdb::Status& st, std::string_view what) {
  if (st.ok()) {
    return {};
  }
  if (st.IsCorruption()) {
    return {errc::corruption, std::string{what} + ": " + st.ToString()};
  }
  return {errc::io_error, std::string{what} + ": " + st.ToString()};
}

int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
    .count();
}

struct pending_append {
  append_request request;
  append_callback done;
};

class rocksdb_event_store final : public event_store {
public:
  rocksdb_event_store(rocksdb_options options, std::unique_ptr<rocksdb::DB> db,
                      std::vector<rocksdb::ColumnFamilyHandle*> handles)
    : options_(std::move(options)), db_(std::move(db)),
      handles_(std::move(handles)) {
    write_options_.sync = options_.sync;
    last_position_ = recover_last_position();
    committer_ = std::thread([this] { run_committer(); });
  }

  ~rocksdb_event_store() override {
    {
      std::lock_guard guard{queue_mutex_};
      stopping_ = true;
    }
    queue_cv_.notify_one();
    committer_.join();
    for (auto* handle : handles_) {
      if (handle != nullptr) {
        ignore(db_->DestroyColumnFamilyHandle(handle));
      }
    }
    ignore(db_->Close());
  }

  void append(append_request request, append_callback done) override {
    {
      std::lock_guard guard{queue_mutex_};
      if (!stopping_) {
        queue_.push_back({std::move(request), std::move(done)});
        queue_cv_.notify_one();
        return;
      }
    }
    done(status{errc::shutting_down, "event store is closing"});
  }

  result<std::vector<recorded_event>>
  read_stream(const std::string& stream, uint64_t from_sequence,
              uint64_t limit) override {
    auto prefix = stream_prefix(stream);
    auto upper = prefix;
    upper.back() = '\1';
    rocksdb::Slice upper_slice{upper};
    rocksdb::ReadOptions ro;
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator(ro, cf(cf_events))};
    std::vector<recorded_event> out;
    for (it->Seek(event_key(stream, from_sequence));
         it->Valid() && out.size() < limit; it->Next()) {
      auto decoded = decode_envelope(it->value().ToStringView());
      if (!decoded) {
        return decoded.error();
      }
      out.push_back(std::move(*decoded));
    }
    if (auto st = from_status(it->status(), "reading " + stream); !st.ok()) {
      return st;
    }
    return out;
  }

  result<uint64_t> stream_version(const std::string& stream) override {
    std::string value;
    auto st = db_->Get({}, cf(cf_streams), stream, &value);
    if (st.IsNotFound()) {
      return uint64_t{0};
    }
    if (!st.ok()) {
      return from_status(st, "reading version of " + stream);
    }
    return get_be64(value);
  }

  result<std::vector<recorded_event>> read_log(uint64_t from_position,
                                               uint64_t limit) override {
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({}, cf(cf_log))};
    std::vector<recorded_event> out;
    for (it->Seek(be64(from_position)); it->Valid() && out.size() < limit;
         it->Next()) {
      auto decoded = decode_envelope(it->value().ToStringView());
      if (!decoded) {
        return decoded.error();
      }
      out.push_back(std::move(*decoded));
    }
    if (auto st = from_status(it->status(), "reading the log"); !st.ok()) {
      return st;
    }
    return out;
  }

  uint64_t last_position() const override {
    return last_position_.load();
  }

  result<std::unique_ptr<subscription>>
  subscribe(uint64_t from_position, log_listener listener) override;

  status save_snapshot(const std::string& stream,
                       const snapshot& snap) override {
    rocksdb::WriteOptions wo;
    wo.sync = false;
    return from_status(db_->Put(wo, cf(cf_snapshots), stream,
                                encode_snapshot(stream, snap, now_us())),
                       "saving snapshot of " + stream);
  }

  result<std::optional<snapshot>>
  load_snapshot(const std::string& stream) override {
    std::string value;
    auto st = db_->Get({}, cf(cf_snapshots), stream, &value);
    if (st.IsNotFound()) {
      return std::optional<snapshot>{};
    }
    if (!st.ok()) {
      return from_status(st, "loading snapshot of " + stream);
    }
    auto snap = decode_snapshot(value);
    if (!snap) {
      return snap.error();
    }
    return std::optional<snapshot>{std::move(*snap)};
  }

  status put_projection(const std::string& key,
                        const std::string& value) override {
    return from_status(db_->Put(write_options_, cf(cf_projections), key,
                                value),
                       "writing projection " + key);
  }

  result<std::optional<std::string>>
  get_projection(const std::string& key) override {
    std::string value;
    auto st = db_->Get({}, cf(cf_projections), key, &value);
    if (st.IsNotFound()) {
      return std::optional<std::string>{};
    }
    if (!st.ok()) {
      return from_status(st, "reading projection " + key);
    }
    return std::optional<std::string>{std::move(value)};
  }

  store_stats stats() const override {
    return {appends_.load(), events_.load(), batches_.load(),
            conflicts_.load()};
  }

private:
  static void ignore(const rocksdb::Status&) {
    // Closing: nothing useful can be done with a failure here.
  }

  rocksdb::ColumnFamilyHandle* cf(cf_index index) const {
    return handles_[index];
  }

  uint64_t recover_last_position() {
    std::unique_ptr<rocksdb::Iterator> it{db_->NewIterator({}, cf(cf_log))};
    it->SeekToLast();
    return it->Valid() ? get_be64(it->key().ToStringView()) : 0;
  }

  void run_committer();
  std::vector<pending_append> take_group();
  void commit_group(std::vector<pending_append>& group);
  result<uint64_t> stream_head(const std::string& stream);

  rocksdb_options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::WriteOptions write_options_;

  std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<pending_append> queue_;
  bool stopping_ = false;
  std::thread committer_;

  // Owned by the commit thread.
  std::unordered_map<std::string, uint64_t> stream_heads_;

  std::atomic<uint64_t> last_position_{0};
  std::atomic<uint64_t> appends_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> conflicts_{0};
  log_fanout fanout_;
};

void ignore_close(const rocksdb::Status&) {
  // Opening failed already; the first error is the one worth reporting.
}

status check_format_version(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* meta,
                            const std::string& path) {
  std::string value;
  auto st = db.Get({}, meta, "format_version", &value);
  if (st.IsNotFound()) {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return from_status(db.Put(wo, meta, "format_version",
                              std::to_string(current_format_version)),
                       "writing the format version");
  }
  if (!st.ok()) {
    return from_status(st, "reading the format version");
  }
  uint64_t found = 0;
  try {
    found = std::stoull(value);
  } catch (const std::exception&) {
    return {errc::corruption, "event store at " + path
                                + " has an unreadable format version"};
  }
  if (found > current_format_version) {
    return {errc::unsupported_format,
            "event store at " + path + " was written in format version "
              + std::to_string(found) + "; this strato reads up to version "
              + std::to_string(current_format_version)
              + ": upgrade strato before opening it"};
  }
  return {};
}

class fanout_subscription final : public subscription {
public:
  fanout_subscription(log_fanout& fanout,
                      std::shared_ptr<log_fanout::subscriber> sub)
    : fanout_(fanout), sub_(std::move(sub)) {
  }
  ~fanout_subscription() override {
    fanout_.remove(sub_);
  }
  fanout_subscription(const fanout_subscription&) = delete;
  fanout_subscription& operator=(const fanout_subscription&) = delete;

private:
  log_fanout& fanout_;
  std::shared_ptr<log_fanout::subscriber> sub_;
};

result<std::unique_ptr<subscription>>
rocksdb_event_store::subscribe(uint64_t from_position, log_listener listener) {
  auto sub = fanout_.add(std::max<uint64_t>(from_position, 1),
                         std::move(listener));
  auto handle = std::make_unique<fanout_subscription>(fanout_, sub);
  // Registered first, read second: whatever commits during the catch-up is
  // buffered by the subscriber, so nothing falls between disk and live.
  for (;;) {
    auto batch = read_log(sub->next_position(), 4096);
    if (!batch) {
      return batch.error();
    }
    if (batch->empty()) {
      break;
    }
    sub->deliver_stored(*batch);
  }
  sub->finish_catch_up();
  return std::unique_ptr<subscription>{std::move(handle)};
}

void rocksdb_event_store::run_committer() {
  for (;;) {
    auto group = take_group();
    if (group.empty()) {
      return;
    }
    commit_group(group);
  }
}

std::vector<pending_append> rocksdb_event_store::take_group() {
  std::unique_lock lock{queue_mutex_};
  queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
  std::vector<pending_append> group;
  size_t events = 0;
  while (!queue_.empty() && events < options_.max_batch_events) {
    events += queue_.front().request.events.size();
    group.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return group;
}

result<uint64_t> rocksdb_event_store::stream_head(const std::string& stream) {
  if (auto it = stream_heads_.find(stream); it != stream_heads_.end()) {
    return it->second;
  }
  auto version = stream_version(stream);
  if (version) {
    if (stream_heads_.size() >= max_cached_stream_heads) {
      stream_heads_.clear();
    }
    stream_heads_.emplace(stream, *version);
  }
  return version;
}

void rocksdb_event_store::commit_group(std::vector<pending_append>& group) {
  rocksdb::WriteBatch batch;
  std::vector<result<append_result>> outcomes;
  outcomes.reserve(group.size());
  std::vector<std::string> touched;
  std::vector<recorded_event> committed;
  bool publish = !fanout_.empty();
  auto position = last_position_.load();
  auto first_position = position + 1;
  auto recorded_at = now_us();
  for (auto& op : group) {
    auto& req = op.request;
    if (req.events.empty() || req.stream.empty()
        || req.stream.find('\0') != std::string::npos) {
      outcomes.emplace_back(status{errc::invalid_argument,
                                   "an append needs a stream name without NUL "
                                   "bytes and at least one event"});
      continue;
    }
    auto head = stream_head(req.stream);
    if (!head) {
      outcomes.emplace_back(head.error());
      continue;
    }
    if (req.expected_version != any_version && req.expected_version != *head) {
      ++conflicts_;
      outcomes.emplace_back(status{
        errc::conflict, req.stream + " is at version " + std::to_string(*head)
                          + ", expected "
                          + std::to_string(req.expected_version)});
      continue;
    }
    append_result res{*head + 1, *head + req.events.size(), position + 1};
    auto sequence = *head;
    for (auto& ev : req.events) {
      recorded_event rec{req.stream,         ++sequence,       ++position,
                         recorded_at,        std::move(ev.type),
                         req.causation_id,   req.correlation_id,
                         std::move(ev.payload)};
      auto bytes = encode_envelope(rec);
      batch.Put(cf(cf_events), event_key(rec.stream, rec.sequence), bytes);
      batch.Put(cf(cf_log), be64(rec.position), bytes);
      if (publish) {
        committed.push_back(std::move(rec));
      }
    }
    batch.Put(cf(cf_streams), req.stream, be64(sequence));
    stream_heads_[req.stream] = sequence;
    touched.push_back(req.stream);
    outcomes.emplace_back(res);
  }
  if (!touched.empty()) {
    auto st = from_status(db_->Write(write_options_, &batch), "committing");
    if (!st.ok()) {
      // Nothing of the group is on disk: forget the versions it claimed.
      for (auto& stream : touched) {
        stream_heads_.erase(stream);
      }
      for (auto& outcome : outcomes) {
        if (outcome.ok()) {
          outcome = st;
        }
      }
    } else {
      last_position_.store(position);
      ++batches_;
      appends_ += touched.size();
      events_ += position - first_position + 1;
      if (publish && !committed.empty()) {
        fanout_.publish(committed);
      }
    }
  }
  for (size_t i = 0; i < group.size(); ++i) {
    group[i].done(std::move(outcomes[i]));
  }
}

} // namespace

namespace {

rocksdb::Options make_db_options(const rocksdb_options& options) {
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.write_buffer_size = 64 << 20;
  db_options.max_write_buffer_number = 4;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_mb << 20);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  db_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return db_options;
}

struct opened_db {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  void close() {
    for (auto* handle : handles) {
      ignore_close(db->DestroyColumnFamilyHandle(handle));
    }
    handles.clear();
    ignore_close(db->Close());
  }
};

result<opened_db> open_db(const rocksdb_options& options) {
  auto db_options = make_db_options(options);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (auto* name : cf_names) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions{db_options});
  }
  opened_db out;
  rocksdb::DB* raw = nullptr;
  auto st = rocksdb::DB::Open(db_options, options.path, families, &out.handles,
                              &raw);
  if (!st.ok()) {
    return status{errc::io_error, "cannot open event store at " + options.path
                                    + ": " + st.ToString()};
  }
  out.db.reset(raw);
  return out;
}

} // namespace

result<std::unique_ptr<event_store>>
open_rocksdb_event_store(const rocksdb_options& options) {
  auto opened = open_db(options);
  if (!opened) {
    return opened.error();
  }
  if (auto checked = check_format_version(*opened->db,
                                          opened->handles[cf_meta],
                                          options.path);
      !checked.ok()) {
    opened->close();
    return checked;
  }
  return std::unique_ptr<event_store>{new rocksdb_event_store(
    options, std::move(opened->db), std::move(opened->handles))};
}

status set_format_version_for_test(const std::string& path, uint32_t version) {
  auto opened = open_db({.path = path});
  if (!opened) {
    return opened.error();
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  auto st = from_status(opened->db->Put(wo, opened->handles[cf_meta],
                                        "format_version",
                                        std::to_string(version)),
                        "writing the format version");
  opened->close();
  return st;
}

} // namespace strato::store
