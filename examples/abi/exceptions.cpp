// C API over a C++ tokenizer (libtok), loaded from Python with ctypes and from C programs.
// tok_open/tok_count/tok_free are written the way a C shim should be: C types in and out, and
// every exception caught before it reaches the caller. The rest show the mistakes.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace tok {

class SyntaxError : public std::runtime_error {
 public:
  explicit SyntaxError(const std::string& what) : std::runtime_error(what) {}
};

struct Tokenizer {
  std::vector<std::string> tokens;
  std::string last_error;
};

}  // namespace tok

static void split(tok::Tokenizer& tokenizer, const std::string& text) {
  if (text.find('\0') != std::string::npos) throw tok::SyntaxError("embedded NUL");
  std::string current;
  for (char c : text) {
    if (c == ' ') {
      if (!current.empty()) tokenizer.tokens.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) tokenizer.tokens.push_back(current);
}

extern "C" {

typedef struct tok_tokenizer tok_tokenizer;  // opaque to C

// Correct: an opaque handle, a pointer and a length, and a catch-all at the boundary.
tok_tokenizer* tok_open(const char* text, size_t length) {
  try {
    auto* tokenizer = new tok::Tokenizer();
    split(*tokenizer, std::string(text, length));
    return reinterpret_cast<tok_tokenizer*>(tokenizer);
  } catch (...) {
    return nullptr;
  }
}

size_t tok_count(const tok_tokenizer* handle) {
  return reinterpret_cast<const tok::Tokenizer*>(handle)->tokens.size();
}

void tok_free(tok_tokenizer* handle) {
  delete reinterpret_cast<tok::Tokenizer*>(handle);
}

// Wrong: .at() throws std::out_of_range for a bad index, straight into the C caller.
const char* tok_get(const tok_tokenizer* handle, size_t index) {
  return reinterpret_cast<const tok::Tokenizer*>(handle)->tokens.at(index).c_str();
}

// Wrong: split() throws tok::SyntaxError, and a handler for logic_error does not catch it.
int tok_append(tok_tokenizer* handle, const char* text) {
  auto* tokenizer = reinterpret_cast<tok::Tokenizer*>(handle);
  try {
    split(*tokenizer, text);
    return 0;
  } catch (const std::logic_error& error) {
    tokenizer->last_error = error.what();
    return -1;
  }
}

// Wrong: std::string and std::vector in a C signature; ctypes cannot build either.
int tok_append_all(tok_tokenizer* handle, std::vector<std::string> texts);
std::string tok_last_error(const tok_tokenizer* handle);

}  // extern "C"

// Wrong: qsort calls this comparator from C, and std::stoi throws on a token that is no number.
static int by_number(const void* a, const void* b) {
  int left = std::stoi(*static_cast<char* const*>(a));
  int right = std::stoi(*static_cast<char* const*>(b));
  return left - right;
}

extern "C" void tok_sort_numeric(char** items, size_t count) {
  std::qsort(items, count, sizeof(char*), by_number);
}
