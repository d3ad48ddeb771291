# Builds one post with the blog's own layouts and includes, as a whole page, in a
# throwaway site, and prints the page's HTML.
#
#   ruby page.rb SITE_ROOT POST
#
# The throwaway site gets the blog's _config.yml, _layouts, _includes, _data and _sass
# and the post, nothing else. The blog's plugins and theme gems are not loaded:
# a stub plugin written into the throwaway site registers every Liquid tag that
# Jekyll does not know (found in those files) as a tag that renders nothing, so
# that pages using plugin tags still build. Layouts a theme gem would provide
# are missing, and Jekyll renders the post without them.
require "fileutils"
require "tmpdir"
require "date"
require "yaml"

root = File.expand_path(ARGV.fetch(0))
post = ARGV.fetch(1)

KNOWN = %w[
  assign capture case when else elsif comment endcomment cycle for break continue if unless
  ifchanged include include_relative increment decrement raw render tablerow echo liquid
  highlight link post_url
].freeze

Dir.mktmpdir("ampcheck-page") do |site|
  %w[_layouts _includes _data _sass].each do |folder|
    source = File.join(root, folder)
    FileUtils.cp_r(source, site) if File.directory?(source)
  end
  FileUtils.mkdir_p(File.join(site, "_posts"))
  FileUtils.cp(File.join(root, post), File.join(site, "_posts", File.basename(post)))
  # The blog's configuration, read as Jekyll reads it (a symbol such as
  # `style: :compressed` too, which Jekyll 4.3 on Psych 4 refuses) and written
  # back with plain strings.
  config = File.join(root, "_config.yml")
  site_config = {}
  if File.file?(config)
    loaded = YAML.safe_load(File.read(config), permitted_classes: [Date, Time, Symbol], aliases: true)
    site_config = loaded if loaded.is_a?(Hash)
  end
  plain = lambda do |value|
    case value
    when Hash then value.to_h { |k, v| [k.to_s, plain.call(v)] }
    when Array then value.map { |v| plain.call(v) }
    when Symbol then value.to_s
    else value
    end
  end
  File.write(File.join(site, "_config.yml"), YAML.dump(plain.call(site_config)))

  # Every {% name ... %} of the copied files whose name Liquid and Jekyll do not know.
  names = {}
  Dir.glob(File.join(site, "**", "*"), File::FNM_DOTMATCH).each do |path|
    next unless File.file?(path)

    text = File.binread(path).force_encoding("UTF-8").scrub("")
    text.scan(/\{%-?\s*([A-Za-z_][\w-]*)/) { |(name)| names[name] = true }
  end
  unknown = names.keys.reject { |name| KNOWN.include?(name) || name.start_with?("end") && KNOWN.include?(name[3..]) }
  FileUtils.mkdir_p(File.join(site, "_plugins"))
  File.write(File.join(site, "_plugins", "stub.rb"), <<~RUBY)
    class AmpcheckNothingTag < Liquid::Tag
      def render(_context) = ""
    end
    #{unknown.inspect}.each do |name|
      next if Liquid::Template.tags[name]
      Liquid::Template.register_tag(name, AmpcheckNothingTag)
    end
  RUBY
  File.write(File.join(site, "_override.yml"), <<~YAML)
    plugins: []
    gems: []
    theme: null
    remote_theme: null
    safe: false
    plugins_dir: _plugins
    disable_disk_cache: true
    incremental: false
    exclude: [_override.yml]
    include: []
    future: true
    unpublished: true
  YAML
  markdown = site_config["markdown"].to_s
  unless markdown.empty? || markdown.casecmp?("kramdown")
    warn "page.rb: the site uses markdown: #{markdown}, not installed here; kramdown renders the post"
    File.write(File.join(site, "_override.yml"), "markdown: kramdown\n", mode: "a")
  end
  configs = [File.join(site, "_config.yml"), File.join(site, "_override.yml")]
  ok = system("jekyll", "build", "-q", "-s", site, "-d", File.join(site, "_site"),
              "--config", configs.join(","), out: $stderr, err: $stderr)
  abort("page.rb: jekyll build failed for #{post}") unless ok
  pages = Dir.glob(File.join(site, "_site", "**", "*.html")).sort_by { |f| -File.size(f) }
  abort("page.rb: no page was written for #{post}") if pages.empty?
  print File.read(pages.first)
end
