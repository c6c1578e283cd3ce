-- `*.seg` files are Seg customer segments. The autocommand works on every Neovim from 0.5 (this
-- file is sourced inside the `filetypedetect` group); `vim.filetype.add` serves the Lua filetype
-- detection of 0.8 and later (and of 0.7 with `g:do_filetype_lua`).
if vim.filetype and vim.filetype.add then
  vim.filetype.add({ extension = { seg = 'seg' } })
end
vim.cmd([[autocmd BufRead,BufNewFile *.seg setfiletype seg]])
