#include "io/output/xdmf.hpp"

#include <iomanip>
#include <sstream>

namespace navox::io {

namespace {

/// `text` with the five XML special characters escaped, for an attribute value.
std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : text) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  return out;
}

/// XDMF's AttributeType of a field of `components` values per cell: a vector's
/// three are x, y, z; any other count is a plain Matrix (one row per cell).
const char* attribute_type(int components) {
  if (components == 1) return "Scalar";
  if (components == 3) return "Vector";
  return "Matrix";
}

void grid_xml(std::ostream& os, const GridSpec& s, const XdmfStep& step, const std::string& indent) {
  const auto& d = s.dims;
  os << indent << "<Grid Name=\"voxels\" GridType=\"Uniform\">\n";
  os << indent << "  <Time Value=\"" << step.time << "\"/>\n";
  os << indent << "  <Information Name=\"materials\" Value=\"" << xml_escape(step.materials) << "\"/>\n";
  os << indent << "  <Topology TopologyType=\"3DCoRectMesh\" Dimensions=\"" << d[2] + 1 << ' ' << d[1] + 1 << ' '
     << d[0] + 1 << "\"/>\n";
  os << indent << "  <Geometry GeometryType=\"ORIGIN_DXDYDZ\">\n";
  os << indent << "    <DataItem Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << s.origin[2]
     << ' ' << s.origin[1] << ' ' << s.origin[0] << "</DataItem>\n";
  os << indent << "    <DataItem Dimensions=\"3\" NumberType=\"Float\" Precision=\"8\" Format=\"XML\">" << s.spacing[2]
     << ' ' << s.spacing[1] << ' ' << s.spacing[0] << "</DataItem>\n";
  os << indent << "  </Geometry>\n";
  for (std::size_t f = 0; f < step.names.size(); ++f) {
    const bool is_int = step.types[f] == OutputField::Type::int32;
    const int components = f < step.components.size() ? step.components[f] : 1;
    os << indent << "  <Attribute Name=\"" << step.names[f] << "\" AttributeType=\"" << attribute_type(components)
       << "\" Center=\"Cell\">\n";
    os << indent << "    <Information Name=\"units\" Value=\"" << xml_escape(f < step.units.size() ? step.units[f] : "")
       << "\"/>\n";
    os << indent << "    <DataItem Dimensions=\"" << d[2] << ' ' << d[1] << ' ' << d[0];
    if (components > 1) os << ' ' << components;
    os << "\" NumberType=\""
       << (is_int ? "Int" : "Float") << "\" Precision=\"" << (is_int ? 4 : 8) << "\" Format=\"HDF\">" << step.h5_file
       << ":/fields/" << step.names[f] << "</DataItem>\n";
    os << indent << "  </Attribute>\n";
  }
  os << indent << "</Grid>\n";
}

void open(std::ostream& os) {
  os << std::setprecision(17);
  os << "<?xml version=\"1.0\" ?>\n<Xdmf Version=\"3.0\">\n  <Domain>\n";
}

void close(std::ostream& os) { os << "  </Domain>\n</Xdmf>\n"; }

} // namespace

XdmfStep XdmfStep::of(double time, std::string h5_file, const std::vector<OutputField>& fields,
                      std::string materials) {
  XdmfStep x;
  x.time = time;
  x.h5_file = std::move(h5_file);
  x.materials = std::move(materials);
  for (const auto& f : fields) {
    x.names.push_back(f.name);
    x.types.push_back(f.type);
    x.units.push_back(f.units);
    x.components.push_back(f.components);
  }
  return x;
}

std::string xdmf_collection(const GridSpec& spec, const std::vector<XdmfStep>& steps) {
  std::ostringstream os;
  open(os);
  os << "    <Grid Name=\"navox\" GridType=\"Collection\" CollectionType=\"Temporal\">\n";
  for (const auto& s : steps) grid_xml(os, spec, s, "      ");
  os << "    </Grid>\n";
  close(os);
  return os.str();
}

/// A temporal collection of one: ParaView's XDMF readers report the <Time> of a
/// grid only inside a temporal collection, so a step opened alone shows its time.
std::string xdmf_step(const GridSpec& spec, const XdmfStep& step) { return xdmf_collection(spec, {step}); }

} // namespace navox::io
