# Prints, for each Markdown text given as a JSON list on standard input, the block
# elements kramdown (with Jekyll's options) makes of it: [type, line, level, depth].
require 'json'
require 'kramdown'
require 'kramdown-parser-gfm'

BLOCK_TYPES = %i[header p codeblock html_element xml_comment blockquote ul ol li dl dt dd
                 table hr math].freeze

def walk(el, depth, out)
  el.children.each do |c|
    next unless BLOCK_TYPES.include?(c.type)
    next if %i[html_element xml_comment math].include?(c.type) && c.options[:category] == :span
    out << [c.type.to_s, c.options[:location], c.options[:level] || 0, depth,
            c.type == :header ? c.options[:raw_text] : (c.type == :html_element ? c.value : '')]
    walk(c, depth + 1, out) unless c.type == :html_element && c.options[:content_model] == :raw
  end
end

items = JSON.parse($stdin.read)
result = items.map do |item|
  opts = { input: item.fetch('input', 'GFM'), hard_wrap: false, auto_ids: true }
  (item['options'] || {}).each { |k, v| opts[k.to_sym] = v }
  doc = Kramdown::Document.new(item['text'], opts)
  out = []
  walk(doc.root, 0, out)
  out
end
puts JSON.generate(result)
