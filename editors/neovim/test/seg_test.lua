-- Headless checks of the Neovim plugin (run by test/run.sh): filetype detection, buffer
-- settings, syntax groups on the example segments, and the language server start with
-- editors/vscode/test/fixtures/fake-seg as the server.

local function main()
local plugin = vim.env.SEG_PLUGIN_DIR
local repo = vim.fn.fnamemodify(plugin, ':h:h')
local examples = repo .. '/examples/segments'
local failures, passed = 0, 0

local function check(ok, message)
  if ok then
    passed = passed + 1
  else
    failures = failures + 1
    io.stdout:write('FAIL: ' .. message .. '\n')
  end
end

local function eq(actual, expected, what)
  check(vim.deep_equal(actual, expected), ('%s: expected %s, got %s'):format(what, vim.inspect(expected), vim.inspect(actual)))
end

-- Every Lua file of the plugin compiles.
for _, file in ipairs(vim.fn.globpath(plugin, '**/*.lua', false, true)) do
  local chunk, err = loadfile(file)
  check(chunk ~= nil, 'does not compile: ' .. tostring(err))
end

vim.cmd('filetype plugin on')
vim.cmd('syntax on')

-- Filetype and buffer settings.
vim.cmd('edit ' .. examples .. '/cart.seg')
eq(vim.bo.filetype, 'seg', 'filetype of cart.seg')
eq(vim.bo.commentstring, '// %s', 'commentstring')
eq(vim.bo.shiftwidth, 2, 'shiftwidth')
eq(vim.bo.expandtab, true, 'expandtab')
eq(vim.b.current_syntax, 'seg', 'syntax')

-- Syntax groups: { file, a line containing, the text, its group, nth occurrence on the line }.
local cases = {
  { 'cart.seg', '// Cart: what', '//', 'segComment' },
  { 'cart.seg', '/// Close to free', '///', 'segDocComment' },
  { 'cart.seg', 'segment near_free_shipping', 'segment', 'segSegment' },
  { 'cart.seg', 'segment near_free_shipping', 'near_free_shipping', 'segSegmentName' },
  { 'cart.seg', 'name "Almost free shipping"', 'name', 'segProperty' },
  { 'cart.seg', 'name "Almost free shipping"', 'Almost', 'segString' },
  { 'cart.seg', 'applies_to everyone', 'applies_to', 'segProperty' },
  { 'cart.seg', 'applies_to everyone', 'everyone', 'segAudience' },
  { 'cart.seg', 'all {', 'all', 'segLogical' },
  { 'cart.seg', 'cart.subtotal between 50 and 74.99', 'cart', 'segObject' },
  { 'cart.seg', 'cart.subtotal between 50 and 74.99', 'subtotal', 'segMember' },
  { 'cart.seg', 'cart.subtotal between 50 and 74.99', 'between', 'segOperatorWord' },
  { 'cart.seg', 'cart.subtotal between 50 and 74.99', '50', 'segNumber' },
  { 'cart.seg', 'cart.subtotal between 50 and 74.99', '74.99', 'segFloat' },
  { 'cart.seg', 'cart.items_count >= 1', '>=', 'segComparison' },
  { 'cart.seg', 'logged_in is false', 'false', 'segBoolean' },
  { 'cart.seg', 'any cart_items within last 3 days', 'any', 'segQuantifier' },
  { 'cart.seg', 'any cart_items within last 3 days', 'cart_items', 'segCollection' },
  { 'cart.seg', 'any cart_items within last 3 days', 'days', 'segUnit' },
  { 'cart.seg', 'contains any of', 'any', 'segOperatorWord' },
  { 'cart.seg', 'product.color is not "Black"', 'not', 'segOperatorWord' },
  { 'cart.seg', 'avg(cart_items.product.price)', 'avg', 'segAggregate' },
  { 'loyalty.seg', 'sum(orders.grand_total within', 'where', 'segWhere' },
  { 'loyalty.seg', 'in segment vip_spenders', 'segment', 'segSegment' },
  { 'loyalty.seg', 'in segment vip_spenders', 'vip_spenders', 'segSegmentName' },
  { 'lifecycle.seg', 'customer.dob on or before 2008-12-31', '2008-12-31', 'segDate' },
  { 'lifecycle.seg', 'between 2025-11-20T00:00:00+09:00', '2025-11-20T00:00:00+09:00', 'segDateTime' },
  { 'lifecycle.seg', 'not billing_address { telephone', 'not', 'segLogical' },
  { 'lifecycle.seg', 'customer.email does not contain', 'not', 'segOperatorWord' },
  { 'geo.seg', 'city not in ["Seoul"', 'not', 'segOperatorWord' },
  { 'merchandising.seg', 'none {', 'none', 'segLogical' },
}
for _, case in ipairs(cases) do
  local file, line_text, text, group = case[1], case[2], case[3], case[4]
  -- Only switch buffers: `:edit` of the current file reloads it, after which synID() can answer
  -- from the state of the reload instead of the column asked for.
  if vim.fn.expand('%:t') ~= file then
    vim.cmd('edit ' .. examples .. '/' .. file)
  end
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local found = false
  for lnum, line in ipairs(lines) do
    if line:find(line_text, 1, true) then
      local col = line:find(text, 1, true)
      local name = vim.fn.synIDattr(vim.fn.synID(lnum, col, 1), 'name')
      eq(name, group, ('%s:%d %q'):format(file, lnum, text))
      found = true
      break
    end
  end
  check(found, ('%s: no line contains %q'):format(file, line_text))
end

-- root_dir: the folder of the nearest seg.toml, else the file's folder.
local seg = require('seg')
eq(seg.root_dir(examples .. '/cart.seg'), repo .. '/examples', 'root_dir of an example')
local lonely = vim.fn.tempname()
vim.fn.mkdir(lonely, 'p')
eq(seg.root_dir(lonely .. '/a.seg'), lonely, 'root_dir outside a project')

-- Clients of a buffer, and all clients, on every Neovim version.
local function buf_client_ids(bufnr)
  local ids = {}
  if vim.lsp.get_clients then -- 0.10+
    for _, client in ipairs(vim.lsp.get_clients({ bufnr = bufnr })) do
      table.insert(ids, client.id)
    end
  else
    ids = vim.tbl_keys(vim.lsp.buf_get_clients(bufnr))
  end
  table.sort(ids)
  return ids
end
local function all_clients()
  return (vim.lsp.get_clients or vim.lsp.get_active_clients)()
end

-- The language server, when Node.js is there to run the stand-in server.
local fake = repo .. '/editors/vscode/test/fixtures/fake-seg'
if vim.fn.executable('node') == 1 then
  local log = vim.fn.tempname()
  vim.env.FAKE_SEG_LOG = log
  local function server_log()
    return vim.fn.filereadable(log) == 1 and vim.fn.readfile(log) or {}
  end
  vim.cmd('silent! %bwipeout!')
  seg.setup({ cmd = fake, args = { '--flag' } })
  eq(seg.command(), { fake, 'lsp', '--flag' }, 'the command line')

  vim.cmd('edit ' .. examples .. '/cart.seg')
  local cart = vim.api.nvim_get_current_buf()
  local initialized = vim.wait(10000, function()
    return table.concat(server_log(), '\n'):find('"initialized"') ~= nil
  end, 50)
  check(initialized, 'the server was not initialized; log: ' .. table.concat(server_log(), '\n'))
  local ids = buf_client_ids(cart)
  eq(#ids, 1, 'clients attached to cart.seg')
  local client = vim.lsp.get_client_by_id(ids[1] or -1)
  if client then
    eq(client.name, 'seg', 'client name')
    eq(client.config.cmd, { fake, 'lsp', '--flag' }, 'client cmd')
    eq(client.config.root_dir, repo .. '/examples', 'client root_dir')
  end
  eq(vim.fn.json_decode(server_log()[1] or '{}').argv, { 'lsp', '--flag' }, 'the server argv')
  local opened = table.concat(server_log(), '\n'):find('"textDocument/didOpen"') ~= nil
  check(opened, 'the server was told about the open document')

  -- A second file of the same project shares the server.
  vim.cmd('edit ' .. examples .. '/geo.seg')
  local geo = vim.api.nvim_get_current_buf()
  vim.wait(2000, function()
    return #buf_client_ids(geo) > 0
  end, 50)
  eq(buf_client_ids(geo), ids, 'geo.seg uses the same client')

  -- A file outside any project gets a server on its own folder.
  vim.cmd('edit ' .. lonely .. '/a.seg')
  local other = vim.api.nvim_get_current_buf()
  vim.wait(2000, function()
    return #buf_client_ids(other) > 0
  end, 50)
  local other_id = buf_client_ids(other)[1]
  check(other_id ~= nil and other_id ~= ids[1], 'a.seg outside the project has its own client')
  if other_id then
    eq(vim.lsp.get_client_by_id(other_id).config.root_dir, lonely, 'root_dir of the lonely client')
  end

  local running = {}
  for _, c in ipairs(all_clients()) do
    table.insert(running, c.id)
  end
  vim.lsp.stop_client(running)
  check(vim.wait(5000, function()
    return #all_clients() == 0
  end, 50), 'the clients stop')
else
  io.stdout:write('skip: node is not installed, the language server start is not tested\n')
end

-- The code paths of newer versions, wherever this runs: with stand-ins for vim.fs (0.8+ find,
-- 0.10+ root) and vim.lsp.start (0.8+), the module must call them as those versions expect.
do
  local saved_fs, saved_start = vim.fs, vim.lsp.start
  local started = {}
  vim.lsp.start = function(config, opts)
    table.insert(started, { config = config, opts = opts, current = vim.api.nvim_get_current_buf() })
    return 42
  end
  local function upward(names, path)
    local dir = path
    while true do
      for _, name in ipairs(names) do
        if vim.loop.fs_stat(dir .. '/' .. name) then
          return dir .. '/' .. name
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        return nil
      end
      dir = parent
    end
  end
  vim.fs = {
    dirname = function(p)
      return vim.fn.fnamemodify(p, ':h')
    end,
    find = function(names, opts)
      assert(opts.upward == true and type(opts.path) == 'string', 'vim.fs.find called without upward/path')
      return { upward(type(names) == 'table' and names or { names }, opts.path) }
    end,
  }
  eq(seg.root_dir(examples .. '/cart.seg'), repo .. '/examples', 'root_dir with vim.fs.find')
  eq(seg.root_dir(lonely .. '/a.seg'), lonely, 'root_dir with vim.fs.find, outside a project')
  vim.fs.root = function(source, markers)
    local found = upward(markers, vim.fn.fnamemodify(source, ':h'))
    return found and vim.fn.fnamemodify(found, ':h') or nil
  end
  eq(seg.root_dir(examples .. '/cart.seg'), repo .. '/examples', 'root_dir with vim.fs.root')

  seg.config.cmd = 'sh' -- any executable: start() checks that the command exists
  vim.cmd('edit ' .. examples .. '/loyalty.seg')
  local loyalty = vim.api.nvim_get_current_buf()
  vim.cmd('enew')
  eq(seg.start(loyalty), 42, 'start() returns the id vim.lsp.start gives')
  local call = started[#started]
  eq(call.config.name, 'seg', 'vim.lsp.start: name')
  eq(call.config.cmd, { 'sh', 'lsp', '--flag' }, 'vim.lsp.start: cmd')
  eq(call.config.root_dir, repo .. '/examples', 'vim.lsp.start: root_dir')
  eq(call.opts.bufnr, loyalty, 'vim.lsp.start: opts.bufnr (0.10+)')
  eq(call.current, loyalty, 'vim.lsp.start runs with the buffer current (0.8 and 0.9 use the current buffer)')
  vim.fs, vim.lsp.start = saved_fs, saved_start
end

return failures, passed
end

local ok, failures, passed = xpcall(main, debug.traceback)
if not ok then
  io.stdout:write('ERROR: ' .. tostring(failures) .. '\n')
  vim.cmd('cquit 1')
end
io.stdout:write(('neovim plugin: %d checks passed, %d failed (nvim %s)\n'):format(passed, failures, tostring(vim.version().major .. '.' .. vim.version().minor .. '.' .. vim.version().patch)))
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
