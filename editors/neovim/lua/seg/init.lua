-- The Seg language server (`seg lsp`, LSP over stdio) for Neovim 0.7.2 and later.
--
--   require('seg').setup({
--     cmd = 'seg',            -- the binary, or a full command list such as { 'seg', 'lsp', '--x' }
--     args = {},              -- extra arguments after `lsp`
--     root_markers = { 'seg.toml' },
--     on_attach = function(client, bufnr) end,
--     capabilities = nil,     -- e.g. require('cmp_nvim_lsp').default_capabilities()
--     settings = nil,
--   })
--
-- A project is the folder of the nearest `seg.toml` above the file (it names the attribute
-- schema); a file outside any project is served on its own folder. One server runs per project.

local M = {}

local defaults = {
  cmd = 'seg',
  args = {},
  root_markers = { 'seg.toml' },
}

M.config = vim.deepcopy(defaults)

-- 0.7 has neither `vim.lsp.start` nor `vim.fs`: there the clients are tracked by project here.
local clients_by_root = {}

local uv = vim.uv or vim.loop

local function dirname(path)
  if vim.fs and vim.fs.dirname then
    return vim.fs.dirname(path)
  end
  return vim.fn.fnamemodify(path, ':h')
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The project folder of `path`: the nearest folder at or above it holding a root marker, else
--- the file's own folder (the current directory for a buffer without a file).
function M.root_dir(path, markers)
  markers = markers or M.config.root_markers
  if path == nil or path == '' then
    return uv.cwd()
  end
  local start = dirname(path)
  if vim.fs and vim.fs.root then -- 0.10+
    local root = vim.fs.root(path, markers)
    if root then
      return root
    end
  elseif vim.fs and vim.fs.find then -- 0.8+
    local found = vim.fs.find(markers, { path = start, upward = true })[1]
    if found then
      return dirname(found)
    end
  else -- 0.7: walk up by hand
    local dir = start
    while dir and dir ~= '' do
      for _, marker in ipairs(markers) do
        if exists(dir .. '/' .. marker) then
          return dir
        end
      end
      local parent = vim.fn.fnamemodify(dir, ':h')
      if parent == dir then
        break
      end
      dir = parent
    end
  end
  return start
end

--- The server's command line: `{ <cmd>, 'lsp', <args…> }`, or `cmd` itself when it is a list.
function M.command()
  local cmd = M.config.cmd
  if type(cmd) == 'table' then
    return vim.deepcopy(cmd)
  end
  local command = { cmd or 'seg', 'lsp' }
  for _, arg in ipairs(M.config.args or {}) do
    table.insert(command, arg)
  end
  return command
end

local function client_config(root)
  return {
    name = 'seg',
    cmd = M.command(),
    root_dir = root,
    workspace_folders = {
      { uri = vim.uri_from_fname(root), name = root },
    },
    on_attach = M.config.on_attach,
    capabilities = M.config.capabilities,
    settings = M.config.settings,
  }
end

local function warn_missing(command)
  if vim.fn.executable(command[1]) == 1 then
    return false
  end
  vim.notify(
    ('seg: the language server `%s` was not found. Install it with `cargo install --path crates/seg-cli` '
      .. "or pass its path: require('seg').setup({ cmd = '/path/to/seg' })"):format(table.concat(command, ' ')),
    vim.log.levels.WARN
  )
  return true
end

--- Starts (or reuses) the server of the buffer's project and attaches the buffer to it. Returns
--- the client id, or nil when the server cannot be started.
function M.start(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local config = client_config(M.root_dir(vim.api.nvim_buf_get_name(bufnr)))
  if warn_missing(config.cmd) then
    return nil
  end

  if vim.lsp.start then -- 0.8+: reuses a client of the same name and root_dir
    return vim.api.nvim_buf_call(bufnr, function()
      return vim.lsp.start(config, { bufnr = bufnr })
    end)
  end

  -- 0.7
  local id = clients_by_root[config.root_dir]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or client.is_stopped() then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_by_root[config.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

--- Registers the FileType autocommand that starts the server for every Seg buffer, and starts it
--- for the Seg buffers already open (when the plugin is loaded lazily on the filetype).
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(defaults), opts or {})
  if opts and opts.args then
    M.config.args = opts.args -- lists are replaced, not merged
  end

  local group = vim.api.nvim_create_augroup('seg_lsp', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = 'seg',
    callback = function(event)
      M.start(event.buf)
    end,
    desc = 'Start the Seg language server (seg lsp)',
  })

  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.bo[bufnr].filetype == 'seg' then
      M.start(bufnr)
    end
  end
end

return M
