-- Neovim (0.7.2, Debian bookworm) as a second real LSP client of the FFI Lens language server.
-- Run by test/e2e/neovim.mjs:
--   FFI_NODE=node FFI_SERVER=bin/ffi-lens-server.js OUT=result.json \
--     nvim --headless --clean -n -i NONE -c "luafile lsp_client.lua" FILE
-- Starts `node bin/ffi-lens-server.js --stdio` with vim.lsp.start_client (0.7 has no vim.lsp.start), waits for the
-- pushed diagnostics, requests hover and code actions, executes "Open related interview question" (the server asks the
-- client to show the page: window/showDocument), applies the quick fix, waits for the diagnostics to clear, shuts the
-- server down, and writes what it saw as JSON to $OUT. The assertions are in neovim.mjs.
local file = vim.fn.argv(0)
local out_path = assert(os.getenv('OUT'), 'OUT not set')
local result = { nvim = string.format('%d.%d.%d', vim.version().major, vim.version().minor, vim.version().patch), steps = {} }

local function finish(code)
  local f = assert(io.open(out_path, 'w'))
  f:write(vim.fn.json_encode(result))
  f:write('\n')
  f:close()
  vim.cmd(code == 0 and 'qall!' or ('cquit ' .. code))
end

local function step(name)
  table.insert(result.steps, { name = name, ms = math.floor(vim.loop.hrtime() / 1e6) })
end

local function ffi_diagnostics(bufnr)
  return vim.tbl_filter(function(d) return d.source == 'ffi-lens' end, vim.diagnostic.get(bufnr))
end

local function main()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  result.shown_documents = {}
  result.messages = {}
  step('start')
  local client_id = vim.lsp.start_client({
    name = 'ffi-lens',
    cmd = { os.getenv('FFI_NODE') or 'node', assert(os.getenv('FFI_SERVER'), 'FFI_SERVER not set'), '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':p:h'),
    handlers = {
      -- answer the server's request to show a question page (what ffiLens.openQuestion does for clients like this one)
      ['window/showDocument'] = function(_, params)
        table.insert(result.shown_documents, params.uri)
        return { success = true }
      end,
      ['window/showMessage'] = function(_, params)
        table.insert(result.messages, params.message)
      end,
    },
    on_exit = function(code, signal) result.server_exit = { code = code, signal = signal } end,
  })
  if not client_id then
    result.error = 'vim.lsp.start_client failed'
    return 2
  end
  vim.lsp.buf_attach_client(bufnr, client_id)

  -- 1. pushed diagnostics (textDocument/publishDiagnostics)
  local got = vim.wait(20000, function() return #ffi_diagnostics(bufnr) > 0 end, 50)
  step('diagnostics')
  result.diagnostics = {}
  for _, d in ipairs(ffi_diagnostics(bufnr)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source, code = d.code })
  end
  if not got then
    result.error = 'timeout waiting for diagnostics'
    return 3
  end
  local d = ffi_diagnostics(bufnr)[1]
  local uri = vim.uri_from_bufnr(bufnr)

  -- 2. hover inside the diagnostic's range
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
    { textDocument = { uri = uri }, position = { line = d.lnum, character = d.col + 1 } }, 5000)
  result.hover = hover and hover[client_id] and hover[client_id].result or vim.NIL
  step('hover')

  -- 3. code actions for the diagnostic (its LSP form, with code and data, as 0.7 keeps it)
  local ca = vim.lsp.buf_request_sync(bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(bufnr, d.lnum) },
  }, 5000)
  result.code_actions = ca and ca[client_id] and ca[client_id].result or vim.NIL
  step('codeAction')
  if type(result.code_actions) ~= 'table' then
    result.error = 'no code actions'
    return 4
  end

  -- 4. the "Open related interview question" action carries a command; executing it makes the server ask us to show the page
  for _, action in ipairs(result.code_actions) do
    if action.command and action.command.command == 'ffiLens.openQuestion' then
      local r = vim.lsp.buf_request_sync(bufnr, 'workspace/executeCommand', action.command, 5000)
      result.execute_command = r and r[client_id] and (r[client_id].result or r[client_id].err) or vim.NIL
    end
  end
  step('executeCommand')

  -- 5. apply the quick fix (the action with an edit) and wait for the server to clear the diagnostic
  for _, action in ipairs(result.code_actions) do
    if action.edit then
      result.applied = action.title
      vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
      break
    end
  end
  result.lines_after_fix = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  result.cleared = vim.wait(10000, function() return #ffi_diagnostics(bufnr) == 0 end, 50)
  step('fixApplied')

  -- 6. shutdown + exit; the server process should end on its own with code 0
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return result.server_exit ~= nil end, 50)
  step('shutdown')
  return 0
end

local ok, code = pcall(main)
if not ok then
  result.error = tostring(code)
  code = 5
end
finish(code)
