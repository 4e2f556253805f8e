#include <doctest/doctest.h>

#include "runtime/api/python_repr.hpp"
#include "runtime/api/utf8.hpp"

#include <nlohmann/json.hpp>

using namespace strato::api;
using nlohmann::json;

TEST_CASE("scalars print as Python literals") {
  CHECK(python_repr(nullptr) == "None");
  CHECK(python_repr(true) == "True");
  CHECK(python_repr(false) == "False");
  CHECK(python_repr(-7) == "-7");
  CHECK(python_repr(json(uint64_t{18446744073709551615u}))
        == "18446744073709551615");
  CHECK(python_repr("x") == "'x'");
}

TEST_CASE("floats print as Python's repr does") {
  CHECK(python_repr(1.0) == "1.0");
  CHECK(python_repr(0.1) == "0.1");
  CHECK(python_repr(-0.0) == "-0.0");
  CHECK(python_repr(1e15) == "1000000000000000.0");
  CHECK(python_repr(1e16) == "1e+16");
  CHECK(python_repr(1.5e300) == "1.5e+300");
  CHECK(python_repr(0.0001) == "0.0001");
  CHECK(python_repr(0.00001) == "1e-05");
  CHECK(python_repr(123456789.125) == "123456789.125");
  CHECK(python_repr(2.5e-300) == "2.5e-300");
}

TEST_CASE("strings pick their quotes and escape like Python") {
  CHECK(python_quote("it's") == "\"it's\"");
  CHECK(python_quote("say \"hi\"") == "'say \"hi\"'");
  CHECK(python_quote("both ' and \"") == "'both \\' and \"'");
  CHECK(python_quote("back\\slash") == "'back\\\\slash'");
  CHECK(python_quote("a\tb\nc\rd") == "'a\\tb\\nc\\rd'");
  CHECK(python_quote(std::string_view{"\x00\x01\x7f", 3})
        == "'\\x00\\x01\\x7f'");
  CHECK(python_quote("caf\xc3\xa9 \xe4\xb8\xad") == "'caf\xc3\xa9 \xe4\xb8\xad'");
  CHECK(python_quote("\xc2\xa0\xe2\x80\x8b") == "'\\xa0\\u200b'");
  CHECK(python_quote("\xf3\xb0\x80\x80") == "'\\U000f0000'");
  CHECK(python_quote("bad\xff") == "'bad\\xff'");
}

TEST_CASE("containers print with Python's separators") {
  auto value = json::parse(R"({"b": [1, 2.5, null], "a": {"x": true}})");
  CHECK(python_repr(value) == "{'a': {'x': True}, 'b': [1, 2.5, None]}");
  CHECK(python_repr(json::array()) == "[]");
  CHECK(python_repr(json::object()) == "{}");
}

TEST_CASE("str() leaves strings bare and reprs everything else") {
  CHECK(python_str("abc") == "abc");
  CHECK(python_str(json::array({"a"})) == "['a']");
  CHECK(python_str(nullptr) == "None");
}

TEST_CASE("very deep values print with an ellipsis instead of recursing") {
  json deep = 1;
  for (int i = 0; i < 1000; ++i) {
    deep = json::array({deep});
  }
  auto text = python_repr(deep);
  CHECK(text.find("...") != std::string::npos);
  CHECK(text.size() < 600);
}

TEST_CASE("code points are counted as Python's len() does") {
  CHECK(code_point_count("") == 0);
  CHECK(code_point_count("abc") == 3);
  CHECK(code_point_count("\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80") == 3);
  CHECK(code_point_count("\xff\xfe") == 2);       // invalid bytes count one each
  CHECK(code_point_count("\xe4\xb8") == 2);       // truncated sequence
  CHECK(code_point_count("\xc0\xaf") == 2);       // overlong
  CHECK(code_point_count("\xed\xa0\x80") == 3);   // surrogate
}
