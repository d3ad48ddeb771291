# Renders Jekyll posts at Markdown level, as the blog's own Jekyll would: front
# matter stripped, Liquid rendered with Jekyll's own tags (highlight, raw,
# comment, post_url ...; include and unknown tags render as nothing), then the
# site's Markdown converter (kramdown with the _config.yml `kramdown:` settings
# merged over Jekyll's defaults: GFM input, hard_wrap false, auto_ids ...).
#
#   ruby render.rb SITE_ROOT [--html] FILE...   (FILE relative to SITE_ROOT or absolute)
#
# Prints one JSON object per file and line:
#   {"path", "error", "converter", "liquid_changed", "lines_exact",
#    "headers": [{"level", "html", "line"}], "html" (with --html)}
# `line` is the 1-based line of the header in the file; it is exact when
# "lines_exact" is true (Liquid kept every line where it was).
require "json"
require "tmpdir"
require "jekyll"

root = File.expand_path(ARGV.shift || ".")
want_html = ARGV.delete("--html")
files = ARGV

Jekyll.logger.log_level = :error
overrides = { "source" => root, "destination" => File.join(Dir.tmpdir, "render-rb-site"), "quiet" => true,
              "safe" => true, "plugins_dir" => "/nonexistent-plugins", "plugins" => [], "theme" => nil,
              "disable_disk_cache" => true }
config = begin
  Jekyll.configuration(overrides)
rescue Psych::DisallowedClass
  # Jekyll 4.3 with Psych 4 refuses a symbol such as `style: :compressed`; Jekyll
  # on other Rubies reads it, so read the file the same way by hand.
  path = File.join(root, "_config.yml")
  raw = YAML.safe_load(File.read(path), permitted_classes: [Date, Time, Symbol], aliases: true) || {}
  Jekyll::Configuration.from(Jekyll::Utils.deep_merge_hashes(raw, overrides))
end
markdown = config["markdown"].to_s
converter_name = markdown.casecmp?("kramdown") ? "kramdown" : "kramdown (site uses #{markdown})"
parser = Jekyll::Converters::Markdown::KramdownParser.new(config)
site = Jekyll::Site.new(config)

# Jekyll's highlight block removes the newlines after its tag and before
# {% endhighlight %}; give them back after the block so later lines keep their
# numbers (blank lines after an HTML block do not change the Markdown).
class LinePreservingHighlight < Jekyll::Tags::HighlightBlock
  def render(context)
    out = super
    body = @body.nodelist.join
    lost = body[/\A(\n|\r)+/].to_s.count("\n") + body[/(\n|\r)+\z/].to_s.count("\n")
    out + ("\n" * lost)
  end
end
Liquid::Template.register_tag("highlight", LinePreservingHighlight)

# A comment keeps its lines as blank lines.
class LinePreservingComment < Liquid::Block
  def render(_context)
    "\n" * @body.nodelist.join.count("\n")
  end

  def unknown_tag(_tag, _markup, _tokens); end

  def parse_body(body, tokens)
    # Take everything up to {% endcomment %} as text, whatever tags it holds.
    text = +""
    while (token = tokens.shift)
      return (body.nodelist << text; false) if token =~ /\A\{%-?\s*endcomment\s*-?%\}\z/

      text << token
    end
    body.nodelist << text
    false
  end
end
Liquid::Template.register_tag("comment", LinePreservingComment)

class NothingTag < Liquid::Tag
  def render(_context) = ""
end
%w[include include_relative include_cached twitter gist youtube post_url link seo feed_meta
   google_analytics].each { |name| Liquid::Template.register_tag(name, NothingTag) }

FRONT_MATTER = /\A(---\s*\n.*?\n?)^((---|\.\.\.)\s*$\n?)/m

def header_text(el)
  el.children
end

def collect_headers(el, out)
  out << el if el.type == :header
  el.children.each { |child| collect_headers(child, out) }
  out
end

files.each do |file|
  path = File.expand_path(file, root)
  result = { "path" => file, "error" => nil, "converter" => converter_name }
  begin
    text = File.binread(path).force_encoding("UTF-8")
    text = text.scrub("\uFFFD") unless text.valid_encoding?
    text = text.sub(/\A\uFEFF/, "")
    page = {}
    offset = 0
    if (match = FRONT_MATTER.match(text))
      begin
        loaded = YAML.safe_load(match[1], permitted_classes: [Date, Time, Symbol], aliases: true)
        page = loaded if loaded.is_a?(Hash)
      rescue StandardError
        page = {}
      end
      offset = match[0].count("\n")
      text = match.post_match
    end
    body = text
    begin
      tries = 0
      begin
        template = Liquid::Template.parse(text, line_numbers: true)
      rescue Liquid::SyntaxError => e
        name = e.message[/Unknown tag '([^']+)'/, 1]
        raise unless name && (tries += 1) < 50

        Liquid::Template.register_tag(name, NothingTag)
        retry
      end
      body = template.render!({ "page" => page, "site" => config, "content" => "" },
                              registers: { site: site, page: page })
    rescue StandardError => e
      result["error"] = "liquid: #{e.class}: #{e.message.lines.first&.strip}"
      body = text
    end
    result["liquid_changed"] = body != text
    result["lines_exact"] = body.count("\n") == text.count("\n")
    document = Kramdown::JekyllDocument.new(body, parser.instance_variable_get(:@config))
    options = Kramdown::JekyllDocument.options
    headers = collect_headers(document.root, [])
    result["headers"] = headers.map do |h|
      wrapper = Kramdown::Element.new(:root, nil, nil, encoding: Encoding::UTF_8)
      wrapper.children.concat(h.children)
      inner, = Kramdown::Converter::Html.convert(wrapper, options)
      line = h.options[:location]
      { "level" => h.options[:level], "html" => inner, "line" => line && (line + offset) }
    end
    result["html"] = document.to_html if want_html
  rescue StandardError => e
    result["error"] = "#{e.class}: #{e.message.lines.first&.strip}"
    result["headers"] ||= []
  end
  puts JSON.generate(result)
  $stdout.flush
end
