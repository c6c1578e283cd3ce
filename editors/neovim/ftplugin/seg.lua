-- Buffer settings for Seg: `//` comments (`///` doc comments), two-space indentation.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

vim.bo.commentstring = '// %s'
-- `///` first, so that `gq` and new lines continue a doc comment as a doc comment.
vim.bo.comments = ':///,://'
vim.bo.formatoptions = vim.bo.formatoptions:gsub('t', '') .. 'croql'
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2
vim.bo.expandtab = true
vim.bo.autoindent = true
vim.bo.smartindent = true
vim.bo.iskeyword = '@,48-57,_'
vim.bo.suffixesadd = '.seg'

vim.b.undo_ftplugin = 'setlocal commentstring< comments< formatoptions< shiftwidth< softtabstop< '
  .. 'expandtab< autoindent< smartindent< iskeyword< suffixesadd<'
