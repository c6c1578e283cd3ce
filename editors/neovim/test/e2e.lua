-- The end-to-end checks of test/e2e.sh, run inside a headless Neovim (0.7.2 and later) with the
-- real language server: the plugin starts `SEG_BIN lsp` for the fixture, the server publishes
-- E0201 for `customer.gropu`, completes the customer attributes after a typed `customer.`, and
-- stops on request. Every assertion that fails is printed as `FAIL: <what>: <details>`, and
-- what the server sent is printed too, so that a failure can be understood from the log alone.

local out = function(s)
  io.stdout:write(s .. '\n')
end

local failures, passed = 0, 0
local function check(ok, what, details)
  if ok then
    passed = passed + 1
    out('ok: ' .. what)
  else
    failures = failures + 1
    out('FAIL: ' .. what .. (details and (': ' .. details) or ''))
  end
  return ok
end

-- An assertion after which nothing else can be checked.
local Abort = {}
local function require_ok(ok, what, details)
  if not check(ok, what, details) then
    error(Abort)
  end
end

-- Clients attached to a buffer, on every version (get_clients is 0.10+).
local function buf_clients(bufnr)
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr })
  end
  return vim.tbl_values(vim.lsp.buf_get_clients(bufnr))
end
local function all_clients()
  return (vim.lsp.get_clients or vim.lsp.get_active_clients)()
end

-- The LSP code of a vim.diagnostic entry: `.code` (set since 0.6.1), else the code of the raw
-- LSP diagnostic kept in `user_data.lsp` (0.6 names it only there).
local function code_of(d)
  if d.code ~= nil then
    return d.code
  end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local function show_diagnostics(diagnostics)
  if #diagnostics == 0 then
    out('  (none)')
  end
  for _, d in ipairs(diagnostics) do
    out(('  line %d col %d [%s] %s'):format(d.lnum + 1, d.col + 1, tostring(code_of(d)), (d.message:gsub('\n', ' | '))))
  end
end

-- The 0-based number of the first line of the buffer containing `text`.
local function find_line(bufnr, text)
  for i, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    if line:find(text, 1, true) then
      return i - 1
    end
  end
  return nil
end

local function main()
  local seg_bin = assert(vim.env.SEG_BIN, 'SEG_BIN is not set')
  local file = assert(vim.env.SEG_E2E_FILE, 'SEG_E2E_FILE is not set')
  local root = assert(vim.env.SEG_E2E_ROOT, 'SEG_E2E_ROOT is not set')
  local v = vim.version()
  out(('nvim %d.%d.%d, server %s'):format(v.major, v.minor, v.patch, seg_bin))

  -- The messages of the plugin (e.g. "the language server was not found") go to the log.
  local notifications = {}
  vim.notify = function(msg, level)
    table.insert(notifications, tostring(msg))
    out(('notify(%s): %s'):format(tostring(level), tostring(msg)))
  end

  -- Count every publishDiagnostics, whatever vim.diagnostic makes of it.
  local published = {}
  local publish = vim.lsp.handlers['textDocument/publishDiagnostics']
  vim.lsp.handlers['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
    if result then
      table.insert(published, result)
    end
    return publish(err, result, ctx, config)
  end

  vim.cmd('filetype plugin on')
  require('seg').setup({ cmd = seg_bin })
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  require_ok(vim.bo[bufnr].filetype == 'seg', 'the fixture has the filetype seg', 'got ' .. vim.inspect(vim.bo[bufnr].filetype))

  -- 1. The client attaches, rooted at the project.
  local attached = vim.wait(20000, function()
    local c = buf_clients(bufnr)[1]
    return c ~= nil and c.initialized ~= false
  end, 50)
  require_ok(attached, 'a language server client is attached to the fixture within 20 s')
  local client = buf_clients(bufnr)[1]
  check(client.name == 'seg', 'the client is named seg', 'got ' .. vim.inspect(client.name))
  check(vim.deep_equal(client.config.cmd, { seg_bin, 'lsp' }), 'the client runs `SEG_BIN lsp`', vim.inspect(client.config.cmd))
  check(client.config.root_dir == root, 'the client is rooted at the folder of seg.toml', ('expected %s, got %s'):format(root, tostring(client.config.root_dir)))

  -- 2. Diagnostics: E0201 on the `customer.gropu` line.
  local typo_line = assert(find_line(bufnr, 'customer.gropu'), 'the fixture has no customer.gropu line')
  local got = vim.wait(20000, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 50)
  local diagnostics = vim.diagnostic.get(bufnr)
  out(('diagnostics of the fixture (%d publishDiagnostics received):'):format(#published))
  show_diagnostics(diagnostics)
  require_ok(got, 'diagnostics arrive for the fixture within 20 s')
  local expected_code = 'E0201' -- unknown attribute
  local e0201, codes = nil, {}
  for _, d in ipairs(diagnostics) do
    table.insert(codes, tostring(code_of(d)))
    if code_of(d) == expected_code then
      e0201 = d
    end
  end
  require_ok(e0201 ~= nil, 'the diagnostics include the code ' .. expected_code, 'got the codes ' .. table.concat(codes, ', '))
  check(e0201.lnum == typo_line, ('E0201 is on line %d (customer.gropu)'):format(typo_line + 1), ('it is on line %d'):format(e0201.lnum + 1))
  local typo_col = vim.api.nvim_buf_get_lines(bufnr, typo_line, typo_line + 1, false)[1]:find('gropu', 1, true) - 1
  check(e0201.col == typo_col, ('E0201 starts at `gropu` (column %d)'):format(typo_col + 1), ('it starts at column %d'):format(e0201.col + 1))
  check(e0201.severity == vim.diagnostic.severity.ERROR, 'E0201 is an error', 'severity ' .. tostring(e0201.severity))
  check(e0201.message:find('group', 1, true) ~= nil, 'the E0201 message suggests `group`', vim.inspect(e0201.message))
  check(#diagnostics == 1, 'the valid segment has no diagnostics (E0201 is the only one)', #diagnostics .. ' diagnostics')

  -- 3. Completion after a typed `customer.` (didChange, then the request that flushes it).
  local email_line = assert(find_line(bufnr, 'customer.email'), 'the fixture has no customer.email line')
  local typed = '    customer.'
  local published_before_edit = #published
  vim.api.nvim_buf_set_lines(bufnr, email_line + 1, email_line + 1, false, { typed })
  local position = { line = email_line + 1, character = #typed }
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = position,
    context = { triggerKind = 2, triggerCharacter = '.' }, -- typed `.`
  }
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/completion', params, 10000)
  require_ok(responses ~= nil, 'the completion request is answered within 10 s', tostring(err))
  local items = {}
  for id, response in pairs(responses) do
    check(response.err == nil and response.error == nil, 'the completion request succeeds (client ' .. id .. ')', vim.inspect(response.err or response.error))
    local result = response.result or {}
    for _, item in ipairs(result.items or result) do
      table.insert(items, item)
    end
  end
  local by_label, labels = {}, {}
  for _, item in ipairs(items) do
    by_label[item.label] = item
    table.insert(labels, item.label)
  end
  out(('completion at %d:%d (%d items): %s'):format(position.line + 1, position.character + 1, #items, table.concat(labels, ', ', 1, math.min(#labels, 25))))
  -- Enabled customer attributes of examples/schema.json ...
  for _, name in ipairs({ 'email', 'group', 'dob', 'created_at', 'reward_points' }) do
    local item = by_label[name]
    if check(item ~= nil, ('completion lists the customer attribute `%s`'):format(name)) then
      check(not vim.tbl_contains(item.tags or {}, 1) and not item.deprecated, ('`%s` is not marked disabled'):format(name), vim.inspect(item.tags))
    end
  end
  -- ... and ones whose "Use in Customer Segment" is off: offered, tagged Deprecated (1, shown
  -- struck through) and described as not enabled.
  for _, name in ipairs({ 'middlename', 'taxvat' }) do
    local item = by_label[name]
    if check(item ~= nil, ('completion lists the disabled customer attribute `%s`'):format(name)) then
      out(('  %s: tags %s, labelDetails %s'):format(name, vim.inspect(item.tags), vim.inspect(item.labelDetails, { newline = ' ', indent = '' })))
      check(vim.tbl_contains(item.tags or {}, 1) or item.deprecated == true, ('`%s` is marked disabled (tag Deprecated)'):format(name), vim.inspect(item.tags))
      local description = item.labelDetails and item.labelDetails.description or ''
      check(description:find('not enabled', 1, true) ~= nil, ('`%s` is described as not enabled'):format(name), vim.inspect(item.labelDetails))
    end
  end
  -- Only customer attributes: a product attribute is not offered after `customer.`.
  check(by_label['sku'] == nil, 'completion after customer. does not offer the product attribute `sku`')

  -- The edit reached the server: diagnostics were published again for it.
  local republished = vim.wait(10000, function()
    return #published > published_before_edit
  end, 50)
  check(republished, 'diagnostics are published again after the edit (didChange)')
  out('diagnostics after the edit:')
  show_diagnostics(vim.diagnostic.get(bufnr))
  local moved = false
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    moved = moved or (code_of(d) == 'E0201' and d.lnum == typo_line + 1)
  end
  check(moved, ('after the edit, E0201 is on line %d (the server has the edited text)'):format(typo_line + 2))

  -- 4. The client stops cleanly: shutdown, exit, the server process ends.
  local pid = client.rpc and client.rpc.pid -- 0.7 to 0.9
  local ids = {}
  for _, c in ipairs(all_clients()) do
    table.insert(ids, c.id)
  end
  if vim.lsp.stop_client then
    vim.lsp.stop_client(ids)
  else -- in case a future version drops it
    for _, c in ipairs(all_clients()) do
      c:stop()
    end
  end
  check(vim.wait(5000, function()
    return #all_clients() == 0
  end, 50), 'the client stops within 5 s')
  if pid then
    local uv = vim.uv or vim.loop
    check(vim.wait(2000, function()
      return uv.kill(pid, 0) ~= 0
    end, 50), ('the server process %d has ended'):format(pid))
  end
  -- Neovim reports a server that quits with a non-zero code or a signal through vim.notify.
  vim.wait(200)
  local quit_badly = vim.tbl_filter(function(msg)
    return msg:find('quit with exit code', 1, true) ~= nil
  end, notifications)
  check(#quit_badly == 0, 'the server exits with code 0 after shutdown and exit', table.concat(quit_badly, '; '))
end

local ok, e = xpcall(main, function(err)
  return err == Abort and Abort or debug.traceback(err)
end)
if not ok and e ~= Abort then
  failures = failures + 1
  out('ERROR: ' .. tostring(e))
end
out(('neovim e2e: %d checks passed, %d failed'):format(passed, failures))
if failures > 0 then
  -- Do not leave a server behind.
  pcall(vim.lsp.stop_client, vim.tbl_map(function(c)
    return c.id
  end, all_clients()), true)
end
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
