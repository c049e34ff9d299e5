// The chunked reading of CSV files: with chunks of a few bytes, so that a cut falls at every position of small
// files (inside quoted fields, doubled quotes, \r\n pairs, blank lines, the header's end), load_table and load_csv
// give exactly what one chunk gives (values bitwise, the same errors at the same line:column), on 1 and 2 threads.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/csv_file.hpp"
#include "nnk/cpu.hpp"
#include "support/fuzz/table_text.hpp"
#include "support/test_support.hpp"

namespace nnk::test {
namespace {

class CsvChunks : public ::testing::Test {
 protected:
  ~CsvChunks() override { detail::csv::set_chunk_bytes_for_testing(0); }

  std::string file(const std::string& name, const std::string& content) const { return dir_.write(name, content); }

  TestDirectory dir_{"csv_chunks"};
};

const std::vector<std::string> kFiles = {
    "name,\"note, long\",x\r\n\"Smith, J.\",\"said \"\"hi\"\"\",1\r\n\"two\nlines\",\"a\r\nb\",2\r\n\r\n  \nplain, \"padded\" ,3\r\n",
    "a,b,c\n1,red,\nNA,blue,2\n?,,3\nnan,red,N/A\n+nan,\"\",5\n4,green,6",
    "\xEF\xBB\xBF" "a,b\n\n1,2\n\n\n3,4\n",
    "a,b\n1,2\n3,\"4\n5,6\n",                 // unclosed
    "a,b\n1,\"2\"x\n3,4\n",                   // text after a quote
    "a,b\n1,2\n3,ab\"c\n",                    // quote inside a field
    "a,b,c\n1,2,3\n\"x\ny\",5\n6,7,8\n",      // short row after a quoted line break
    "a,b\n1,\"2,\",3\n",                      // long row
    "a,b\n1,2\n1e60,3\n",                     // out of range
    "\"\"\"\",\",\"\n\"\"\"\"\"\",\"\n\"\n",  // quotes only
    "a,b\n\"1\",\"2\"\n\"3\"\"\",4\n",
};

TEST_F(CsvChunks, TinyChunksReadAsOneChunk) {
  for (std::size_t f = 0; f < kFiles.size(); ++f) {
    const std::string path = file("f" + std::to_string(f) + ".csv", kFiles[f]);
    detail::csv::set_chunk_bytes_for_testing(0);
    const std::string table = nnk::fuzz::table_text(path), dataset = nnk::fuzz::dataset_text(path);
    for (const std::size_t bytes : {1u, 2u, 3u, 5u, 8u, 13u}) {
      detail::csv::set_chunk_bytes_for_testing(bytes);
      for (const int threads : {1, 2}) {
        const ScopedNumThreads scope(threads);
        EXPECT_EQ(nnk::fuzz::table_text(path), table) << "file " << f << ", chunks of " << bytes << " bytes";
        EXPECT_EQ(nnk::fuzz::dataset_text(path), dataset) << "file " << f << ", chunks of " << bytes << " bytes";
      }
    }
  }
}

}  // namespace
}  // namespace nnk::test
