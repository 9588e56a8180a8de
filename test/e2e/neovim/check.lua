-- Headless Neovim (Debian's 0.7, push diagnostics only) as a second real client of cachereplay-language-server.
-- Started by test/e2e/neovim.mjs with SERVER, TRACE and OUT in the environment. Exits 0 when the warning on the
-- pwrite line and the page-table hover arrive, 1 otherwise (cquit).
local server, trace, out = os.getenv('SERVER'), os.getenv('TRACE'), os.getenv('OUT')
local log = {}
local function say(s) table.insert(log, s) end

local client_id = vim.lsp.start_client({
  name = 'cachereplay',
  cmd = { 'node', server, '--stdio' },
  root_dir = vim.fn.fnamemodify(trace, ':h'),
  -- Neovim 0.7 answers workspace/configuration but does not announce it: settings also go in init_options.
  settings = { cachereplay = { cacheMode = 'write-through', kernel = 'freebsd-2019' } },
  init_options = { settings = { cacheMode = 'write-through', kernel = 'freebsd-2019' } },
})
vim.cmd('edit ' .. trace)
vim.bo.filetype = 'strace'
vim.lsp.buf_attach_client(0, client_id)

local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
local diags = vim.diagnostic.get(0)
say('diagnostics ' .. #diags)
local pwrite_line
for i, l in ipairs(vim.api.nvim_buf_get_lines(0, 0, -1, false)) do
  if l:find('pwrite64%(') then pwrite_line = i - 1 end
end
if ok and #diags == 1 then
  say(string.format('line %d code %s', diags[1].lnum, tostring(diags[1].code)))
  say('message ' .. diags[1].message)
end

local hover = vim.lsp.buf_request_sync(0, 'textDocument/hover', {
  textDocument = vim.lsp.util.make_text_document_params(),
  position = { line = pwrite_line, character = 2 },
}, 10000)
local text = ''
for _, res in pairs(hover or {}) do
  if res.result and res.result.contents then text = res.result.contents.value or '' end
end
say('hover ' .. text:gsub('\n', ' | '))

local f = io.open(out, 'w')
f:write(table.concat(log, '\n') .. '\n')
f:close()
local passed = ok and #diags == 1 and diags[1].lnum == pwrite_line and diags[1].code == 'mmap-dirty-invalidated'
  and text:find('invalidated', 1, true) ~= nil
vim.cmd(passed and 'qall!' or 'cquit!')
