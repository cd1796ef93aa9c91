// libwordfreq: a word-frequency counter written in C++, exported to Python (linkage_binding.py)
// through a C surface. Everything Python calls must have C linkage; the block below has it, but
// the function added later under it does not.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <map>
#include <string>
#include <vector>

struct wordfreq {
    std::map<std::string, std::size_t> counts;
};

// Internal helper: C++ linkage is fine, nobody outside looks it up.
static bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '\'';
}

namespace wordfreq_impl {
std::vector<std::string> split(const char *text) {
    std::vector<std::string> words;
    std::string current;
    for (const char *p = text; *p != '\0'; ++p) {
        if (is_word_char(*p)) {
            current.push_back(*p);
        } else if (!current.empty()) {
            words.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) words.push_back(current);
    return words;
}
}  // namespace wordfreq_impl

extern "C" {

wordfreq *wf_new(void) {
    try {
        return new wordfreq();
    } catch (...) {
        return nullptr;
    }
}

int wf_add_text(wordfreq *wf, const char *text) {
    try {
        for (const std::string &word : wordfreq_impl::split(text)) wf->counts[word]++;
        return 0;
    } catch (...) {
        return -1;
    }
}

std::size_t wf_count(const wordfreq *wf, const char *word) {
    try {
        auto found = wf->counts.find(word);
        return found == wf->counts.end() ? 0 : found->second;
    } catch (...) {
        return 0;
    }
}

void wf_free(wordfreq *wf) {
    delete wf;
}

}  // extern "C"

// Added later, below the block: exported as _Z11wf_distinctPK8wordfreq, so Python's lookup of
// `wf_distinct` raises AttributeError: undefined symbol.
std::size_t wf_distinct(const wordfreq *wf) {
    return wf->counts.size();
}
