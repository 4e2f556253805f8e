#include "actors/scheduler/placement/event_codec.hpp"

namespace strato::scheduler {

namespace pb = strato::placement::v1;

namespace {

pb::GenerationCheck to_pb(generation_check c) {
  return c == generation_check::exact ? pb::GENERATION_CHECK_EXACT
                                      : pb::GENERATION_CHECK_CONFIGURATION;
}

generation_check from_pb(pb::GenerationCheck c) {
  return c == pb::GENERATION_CHECK_CONFIGURATION ? generation_check::configuration
                                                 : generation_check::exact;
}

pb::GroupPolicy to_pb(group_policy p) {
  switch (p) {
    case group_policy::affinity:
      return pb::GROUP_POLICY_AFFINITY;
    case group_policy::anti_affinity:
      return pb::GROUP_POLICY_ANTI_AFFINITY;
    case group_policy::soft_affinity:
      return pb::GROUP_POLICY_SOFT_AFFINITY;
    case group_policy::soft_anti_affinity:
      return pb::GROUP_POLICY_SOFT_ANTI_AFFINITY;
  }
  return pb::GROUP_POLICY_UNSPECIFIED;
}

group_policy from_pb(pb::GroupPolicy p) {
  switch (p) {
    case pb::GROUP_POLICY_AFFINITY:
      return group_policy::affinity;
    case pb::GROUP_POLICY_SOFT_AFFINITY:
      return group_policy::soft_affinity;
    case pb::GROUP_POLICY_SOFT_ANTI_AFFINITY:
      return group_policy::soft_anti_affinity;
    default:
      return group_policy::anti_affinity;
  }
}

void to_pb(const consumer_allocation& in, pb::ConsumerAllocation& out) {
  out.set_consumer(in.consumer);
  out.set_project(in.project);
  out.set_user(in.user);
  for (const auto& pa : in.allocations) {
    auto* p = out.add_allocations();
    p->set_provider(pa.provider);
    p->set_generation_checked(pa.generation.has_value());
    p->set_generation(pa.generation.value_or(0));
    for (const auto& r : pa.resources) {
      auto* a = p->add_resources();
      a->set_resource_class(r.resource_class);
      a->set_amount(r.amount);
    }
  }
}

consumer_allocation from_pb(const pb::ConsumerAllocation& in) {
  consumer_allocation out{in.consumer(), in.project(), in.user(), {}};
  for (const auto& p : in.allocations()) {
    provider_allocation pa{p.provider(), {}, {}};
    if (p.generation_checked()) {
      pa.generation = p.generation();
    }
    for (const auto& a : p.resources()) {
      pa.resources.push_back({a.resource_class(), a.amount()});
    }
    out.allocations.push_back(std::move(pa));
  }
  return out;
}

template <class Repeated>
std::vector<std::string> strings(const Repeated& r) {
  return {r.begin(), r.end()};
}

struct encoder {
  pb::PlacementEvent& out;

  void operator()(const provider_created& c) {
    auto* e = out.mutable_provider_created();
    e->set_uuid(c.uuid);
    e->set_name(c.name);
    e->set_parent_uuid(c.parent_uuid);
  }
  void operator()(const inventory_set& c) {
    auto* e = out.mutable_inventory_set();
    e->set_provider(c.provider);
    e->set_generation(c.generation);
    for (const auto& rec : c.inventories) {
      auto* i = e->add_inventories();
      i->set_resource_class(rec.resource_class);
      i->set_total(rec.inv.total);
      i->set_reserved(rec.inv.reserved);
      i->set_min_unit(rec.inv.min_unit);
      i->set_max_unit(rec.inv.max_unit);
      i->set_step_size(rec.inv.step_size);
      i->set_allocation_ratio(rec.inv.allocation_ratio);
    }
  }
  void operator()(const traits_set& c) {
    auto* e = out.mutable_traits_set();
    e->set_provider(c.provider);
    e->set_generation(c.generation);
    for (const auto& t : c.traits) {
      e->add_traits(t);
    }
  }
  void operator()(const aggregates_set& c) {
    auto* e = out.mutable_aggregates_set();
    e->set_provider(c.provider);
    e->set_generation(c.generation);
    for (const auto& a : c.aggregates) {
      e->add_aggregates(a);
    }
  }
  void operator()(const allocations_claimed& c) {
    auto* e = out.mutable_allocations_claimed();
    e->set_check(to_pb(c.check));
    for (const auto& ca : c.consumers) {
      to_pb(ca, *e->add_consumers());
    }
  }
  void operator()(const allocations_replaced& c) {
    auto* e = out.mutable_allocations_replaced();
    to_pb(c.allocation, *e->mutable_allocation());
    e->set_consumer_generation(c.consumer_generation);
    e->set_check(to_pb(c.check));
  }
  void operator()(const allocations_freed& c) {
    out.mutable_allocations_freed()->set_consumer(c.consumer);
  }
  void operator()(const host_state_set& c) {
    auto* e = out.mutable_host_state_set();
    e->set_host(c.host);
    e->set_up(c.up);
    e->set_enabled(c.enabled);
    e->set_io_ops_reported(c.io_ops.has_value());
    e->set_io_ops(c.io_ops.value_or(0));
  }
  void operator()(const aggregate_metadata_set& c) {
    auto* e = out.mutable_aggregate_metadata_set();
    e->set_aggregate(c.aggregate);
    for (const auto& [k, v] : c.metadata) {
      (*e->mutable_metadata())[k] = v;
    }
  }
  void operator()(const server_group_set& c) {
    auto* e = out.mutable_server_group_set();
    e->set_group(c.group);
    e->set_policy(to_pb(c.policy));
    for (const auto& m : c.members) {
      e->add_members(m);
    }
    e->set_max_server_per_host(c.max_server_per_host);
  }
  void operator()(const catalog_change& c) {
    auto kind = c.trait ? pb::CustomNameAdded::KIND_TRAIT
                        : pb::CustomNameAdded::KIND_RESOURCE_CLASS;
    if (c.added) {
      auto* e = out.mutable_custom_name_added();
      e->set_kind(kind);
      e->set_name(c.name);
    } else {
      auto* e = out.mutable_custom_name_removed();
      e->set_kind(kind);
      e->set_name(c.name);
    }
  }
  void operator()(const change& c) {
    std::visit(*this, c);
  }
};

change decode_change(const pb::PlacementEvent& ev) {
  switch (ev.event_case()) {
    case pb::PlacementEvent::kProviderCreated: {
      const auto& e = ev.provider_created();
      return provider_created{e.uuid(), e.name(), e.parent_uuid()};
    }
    case pb::PlacementEvent::kInventorySet: {
      const auto& e = ev.inventory_set();
      inventory_set out{e.provider(), e.generation(), {}};
      for (const auto& i : e.inventories()) {
        out.inventories.push_back(
          {i.resource_class(),
           inventory{i.total(), i.reserved(), i.min_unit(), i.max_unit(),
                     i.step_size(), i.allocation_ratio()}});
      }
      return out;
    }
    case pb::PlacementEvent::kTraitsSet: {
      const auto& e = ev.traits_set();
      return traits_set{e.provider(), e.generation(), strings(e.traits())};
    }
    case pb::PlacementEvent::kAggregatesSet: {
      const auto& e = ev.aggregates_set();
      return aggregates_set{e.provider(), e.generation(), strings(e.aggregates())};
    }
    case pb::PlacementEvent::kAllocationsClaimed: {
      const auto& e = ev.allocations_claimed();
      allocations_claimed out{{}, from_pb(e.check())};
      for (const auto& ca : e.consumers()) {
        out.consumers.push_back(from_pb(ca));
      }
      return out;
    }
    case pb::PlacementEvent::kAllocationsReplaced: {
      const auto& e = ev.allocations_replaced();
      return allocations_replaced{from_pb(e.allocation()), e.consumer_generation(),
                                  from_pb(e.check())};
    }
    case pb::PlacementEvent::kAllocationsFreed:
      return allocations_freed{ev.allocations_freed().consumer()};
    case pb::PlacementEvent::kHostStateSet: {
      const auto& e = ev.host_state_set();
      host_state_set out{e.host(), e.up(), e.enabled(), {}};
      if (e.io_ops_reported()) {
        out.io_ops = e.io_ops();
      }
      return out;
    }
    case pb::PlacementEvent::kAggregateMetadataSet: {
      const auto& e = ev.aggregate_metadata_set();
      return aggregate_metadata_set{
        e.aggregate(), {e.metadata().begin(), e.metadata().end()}};
    }
    default: {
      const auto& e = ev.server_group_set();
      return server_group_set{e.group(), from_pb(e.policy()), strings(e.members()),
                              e.max_server_per_host()};
    }
  }
}

} // namespace

pb::PlacementEvent encode(const shard_event& ev) {
  pb::PlacementEvent out;
  std::visit(encoder{out}, ev);
  return out;
}

result<shard_event> decode(const pb::PlacementEvent& ev) {
  switch (ev.event_case()) {
    case pb::PlacementEvent::EVENT_NOT_SET:
      return status{errc::corruption, "placement event without a payload"};
    case pb::PlacementEvent::kCustomNameAdded: {
      const auto& e = ev.custom_name_added();
      return shard_event{catalog_change{
        e.kind() == pb::CustomNameAdded::KIND_TRAIT, true, e.name()}};
    }
    case pb::PlacementEvent::kCustomNameRemoved: {
      const auto& e = ev.custom_name_removed();
      return shard_event{catalog_change{
        e.kind() == pb::CustomNameAdded::KIND_TRAIT, false, e.name()}};
    }
    default:
      return shard_event{decode_change(ev)};
  }
}

} // namespace strato::scheduler
