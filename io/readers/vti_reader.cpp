/// VTK XML ImageData (.vti). The format has no partial reads here, so every
/// rank reads the whole file once and copies blocks out of it.
#include "io/readers/checked_size.hpp"
#include "io/readers/volume_readers.hpp"

#include <vtkCellData.h>
#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkObjectFactory.h>
#include <vtkOutputWindow.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>
#include <vtkXMLImageDataReader.h>

#include <algorithm>
#include <vector>

namespace navox::io::detail {

namespace {

/// Collects VTK's messages instead of printing them; the first error becomes
/// part of the navox::Error.
class MessageCollector : public vtkOutputWindow {
public:
  static MessageCollector* New();
  vtkTypeMacro(MessageCollector, vtkOutputWindow)
  void DisplayText(const char*) override {}
  void DisplayWarningText(const char*) override {}
  void DisplayGenericWarningText(const char*) override {}
  void DisplayDebugText(const char*) override {}
  void DisplayErrorText(const char* text) override {
    if (first_error.empty() && text) first_error = text;
  }
  std::string first_error;
};
vtkStandardNewMacro(MessageCollector);

/// Routes VTK's output window to a MessageCollector for the lifetime of the
/// guard, then puts the previous window back.
class CollectMessages {
public:
  CollectMessages() : previous_(vtkOutputWindow::GetInstance()) { vtkOutputWindow::SetInstance(collector_); }
  ~CollectMessages() { vtkOutputWindow::SetInstance(previous_); }
  CollectMessages(const CollectMessages&) = delete;
  CollectMessages& operator=(const CollectMessages&) = delete;

  /// " (VTK: <message>)" without VTK's "file, line / class (address):" prefix.
  std::string reason() const {
    std::string text = collector_->first_error;
    const auto cut = text.rfind("): ");
    if (cut != std::string::npos) text = text.substr(cut + 3);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text.empty() ? "" : " (VTK: " + text + ")";
  }
  bool failed() const { return !collector_->first_error.empty(); }

private:
  vtkSmartPointer<vtkOutputWindow> previous_;
  vtkNew<MessageCollector> collector_;
};

std::string array_names(vtkDataSetAttributes* attributes) {
  std::string names;
  for (int i = 0; i < attributes->GetNumberOfArrays(); ++i)
    if (const char* n = attributes->GetArrayName(i)) names += std::string(names.empty() ? "" : ", ") + n;
  return names.empty() ? "none" : names;
}

class VtiSource final : public VolumeSource {
public:
  explicit VtiSource(const VolumeSpec& spec) : path_(spec.path) {
    require_file(path_);
    CollectMessages messages;
    vtkNew<vtkXMLImageDataReader> reader;
    if (!reader->CanReadFile(path_.c_str()))
      throw Error("file " + path_ + " is not a VTK XML ImageData (.vti) file" + messages.reason());
    reader->SetFileName(path_.c_str());
    reader->Update();
    vtkImageData* image = reader->GetOutput();
    if (messages.failed() || !image) throw Error("file " + path_ + " cannot be read as .vti" + messages.reason());

    vtkPointData* points = image->GetPointData();
    vtkCellData* cells = image->GetCellData();
    if (!spec.array.empty()) {
      array_ = points->GetArray(spec.array.c_str());
      cell_data_ = !array_;
      if (!array_) array_ = cells->GetArray(spec.array.c_str());
      if (!array_)
        throw Error("file " + path_ + " has no numeric array '" + spec.array + "' (point arrays: " +
                    array_names(points) + "; cell arrays: " + array_names(cells) + ")");
    } else {
      // The first array in file order: VTK writes PointData before CellData.
      array_ = points->GetNumberOfArrays() > 0 ? points->GetArray(0) : nullptr;
      cell_data_ = !array_;
      if (!array_ && cells->GetNumberOfArrays() > 0) array_ = cells->GetArray(0);
      if (!array_) throw Error("file " + path_ + " holds no numeric point or cell data array");
    }
    name_ = array_->GetName() ? array_->GetName() : "";
    if (array_->GetNumberOfComponents() != 1)
      throw Error("file " + path_ + ": array '" + name_ + "' has " + std::to_string(array_->GetNumberOfComponents()) +
                  " components; navox reads single-component (scalar) arrays only");

    int n[3];
    if (cell_data_)
      image->GetCellDims(n);
    else
      image->GetDimensions(n);
    dims_ = {n[0], n[1], n[2]};
    // The extent in the XML header is free text: three 2^31-voxel axes overflow 64 bits.
    // (A bit array's type size is 0; the voxel count must still fit.)
    checked_volume_bytes(dims_, std::max(1, array_->GetDataTypeSize()), "file " + path_ + ": array '" + name_ + "'");
    if (array_->GetNumberOfTuples() != dims_[0] * dims_[1] * dims_[2])
      throw Error("file " + path_ + ": array '" + name_ + "' has " + std::to_string(array_->GetNumberOfTuples()) +
                  " values for " + dims_text(dims_) + (cell_data_ ? " cells" : " points"));
  }

  std::array<std::int64_t, 3> dims() const override { return dims_; }

  std::string describe() const override {
    return "VTI " + dims_text(dims_) + (cell_data_ ? " cell" : " point") + " array '" + name_ + "' (" +
           array_->GetDataTypeAsString() + ") " + path_;
  }

  std::vector<double> read_block(const Box& block) const override {
    check_block(block, dims_, path_);
    std::vector<double> out(static_cast<std::size_t>(block.size()));
    std::size_t o = 0;
    for (std::int64_t k = block.lo[2]; k < block.hi(2); ++k)
      for (std::int64_t j = block.lo[1]; j < block.hi(1); ++j)
        for (std::int64_t i = block.lo[0]; i < block.hi(0); ++i)
          out[o++] = array_->GetComponent((k * dims_[1] + j) * dims_[0] + i, 0);
    return out;
  }

private:
  std::string path_;
  std::string name_;
  vtkSmartPointer<vtkDataArray> array_;
  bool cell_data_ = false;
  std::array<std::int64_t, 3> dims_{};
};

} // namespace

std::unique_ptr<VolumeSource> open_vti(const VolumeSpec& spec) { return std::make_unique<VtiSource>(spec); }

} // namespace navox::io::detail
