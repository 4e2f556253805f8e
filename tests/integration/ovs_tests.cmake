# Open vSwitch with the userspace datapath in private network namespaces:
# switching, VLAN isolation, security flows, DHCP. Needs root; skips without.
strato_add_test(strato_ovs_integration_tests LABEL integration TIMEOUT 300
  SOURCES ovs_isolation_test.cpp ovs_namespaces_test.cpp ovs_host.cpp
          ${CMAKE_SOURCE_DIR}/tests/unit/ovs/ovsdb_fixture.cpp
          ${CMAKE_SOURCE_DIR}/tests/support/temp_dir.cpp
          ${CMAKE_SOURCE_DIR}/tests/support/child_process.cpp
  DEPS strato_network_driver)
